import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import type { Prisma } from '../../generated/prisma/client';
import type { PilotCounts, PilotVerdict } from './pilot-metrics';
import { TRIP_ALERT_LEASE_MS, TRIP_ALERT_RETRY_WINDOW_MS } from './pilot-mode.constants';

export interface TripAlert {
  id: string;
  alerta: string;
}

/**
 * The pilot_mode job's only door to the database. The queue worker's statuses are the source: sent =
 * `enviada_em` in the window; blocked / failed = rows that reached `bloqueada` / `erro` in the window
 * (their `updated_at`, the final status being written once); replies = pilot leads whose last inbound
 * message is in the window (one per lead: a lower bound); opt-outs = `leads_opt_out_eventos` rows.
 */
@Injectable()
export class PilotModeRepository {
  constructor(private readonly prisma: PrismaService) {}

  async measure(from: Date, to: Date): Promise<PilotCounts> {
    const [row] = await this.prisma.$queryRaw<PilotCounts[]>`
      SELECT
        (SELECT count(*)::int FROM leads WHERE grupo_piloto) AS "leadsPiloto",
        (SELECT count(*)::int FROM fila_mensagens f JOIN leads l ON l.id = f.lead_id
          WHERE l.grupo_piloto AND f.status = 'enviada' AND f.enviada_em >= ${from} AND f.enviada_em < ${to}) AS enviadas,
        (SELECT count(*)::int FROM leads
          WHERE grupo_piloto AND last_inbound_at >= ${from} AND last_inbound_at < ${to}) AS respostas,
        (SELECT count(DISTINCT e.lead_id)::int FROM leads_opt_out_eventos e JOIN leads l ON l.id = e.lead_id
          WHERE l.grupo_piloto AND e.created_at >= ${from} AND e.created_at < ${to}) AS "optOuts",
        (SELECT count(*)::int FROM fila_mensagens f JOIN leads l ON l.id = f.lead_id
          WHERE l.grupo_piloto AND f.status = 'bloqueada' AND f.updated_at >= ${from} AND f.updated_at < ${to}) AS bloqueadas,
        (SELECT count(*)::int FROM fila_mensagens f JOIN leads l ON l.id = f.lead_id
          WHERE l.grupo_piloto AND f.status = 'erro' AND f.updated_at >= ${from} AND f.updated_at < ${to}) AS erros`;
    return row;
  }

  /** Runs `work` in one transaction: what it writes commits together or not at all. */
  inTransaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /** `tripAlert`: the Slack text of a snapshot that tripped the features off, else null. */
  async saveSnapshot(
    from: Date,
    to: Date,
    counts: PilotCounts,
    verdict: PilotVerdict,
    tripAlert: string | null,
    db: Prisma.TransactionClient = this.prisma,
  ) {
    await db.pilotoSnapshot.create({
      data: {
        janelaInicio: from,
        janelaFim: to,
        ...counts,
        taxaOptOut: verdict.optOutRate.toFixed(4),
        taxaErro: verdict.errorRate.toFixed(4),
        disparou: tripAlert !== null,
        motivo: verdict.tripReason,
        alerta: tripAlert,
      },
    });
  }

  /**
   * Reserves the trip alerts of the last TRIP_ALERT_RETRY_WINDOW_MS not yet delivered, oldest first, for
   * this run to post (two runs at once never reserve the same one; a reservation past the lease was a run
   * that died). The window is measured on janela_fim, the measuring run's clock.
   */
  reserveUndeliveredTripAlerts(now: Date): Promise<TripAlert[]> {
    return this.prisma.$queryRaw<TripAlert[]>`
      WITH reserved AS (
        UPDATE piloto_snapshots SET alerta_reservado_em = ${now}
        WHERE alerta IS NOT NULL AND alerta_enviado_em IS NULL
          AND janela_fim > ${new Date(now.getTime() - TRIP_ALERT_RETRY_WINDOW_MS)}
          AND (alerta_reservado_em IS NULL OR alerta_reservado_em <= ${new Date(now.getTime() - TRIP_ALERT_LEASE_MS)})
        RETURNING id, alerta, janela_fim
      )
      SELECT id, alerta FROM reserved ORDER BY janela_fim, id`;
  }

  async markTripAlertDelivered(snapshotId: string, now: Date): Promise<void> {
    await this.prisma.pilotoSnapshot.update({ where: { id: snapshotId }, data: { alertaEnviadoEm: now } });
  }

  /** The latest snapshots, newest first (for GET /admin/pilot). */
  lastSnapshots(limit: number) {
    return this.prisma.pilotoSnapshot.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
  }
}
