import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import type { PilotCounts, PilotVerdict } from './pilot-metrics';

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

  async saveSnapshot(from: Date, to: Date, counts: PilotCounts, verdict: PilotVerdict, tripped: boolean) {
    await this.prisma.pilotoSnapshot.create({
      data: {
        janelaInicio: from,
        janelaFim: to,
        ...counts,
        taxaOptOut: verdict.optOutRate.toFixed(4),
        taxaErro: verdict.errorRate.toFixed(4),
        disparou: tripped,
        motivo: verdict.tripReason,
      },
    });
  }

  /** The latest snapshots, newest first (for GET /admin/pilot). */
  lastSnapshots(limit: number) {
    return this.prisma.pilotoSnapshot.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
  }
}
