import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import { Prisma } from '../../generated/prisma/client';
import type { OutboundMessage } from '../../queue/outbound-message';
import { OutboundQueueService } from '../../queue/outbound-queue.service';
import {
  ANNOUNCE_LEASE_MS,
  ANNOUNCE_WINDOW_MS,
  AUDIT_ORIGEM,
  FOLLOWUP_OFFSETS_MS,
  followupKey,
  HANDOFF_LOCK_TIMEOUT_MS,
  HandoffStatus,
  MAX_FOLLOWUPS,
  MIN_FOLLOWUP_GAP_MS,
  OPEN_STATUSES,
} from './handoff.constants';
import type { HandoffShift } from './handoff-shift';

type Tx = Prisma.TransactionClient;

export type ClosingStatus =
  typeof HandoffStatus.expired | typeof HandoffStatus.confirmed | typeof HandoffStatus.notConfirmed;

export interface ExpiryAnnouncement extends HandoffShift {
  vagaStatus: string;
}

export interface ClosedHandoff {
  shift: HandoffShift;
  /** the shift's new status, or null when it was left alone (not reserved, or re-assigned) */
  vagaStatus: string | null;
}

const shiftColumns = Prisma.sql`
  h.id AS "handoffId", h.lead_id AS "leadId", h.vaga_id AS "vagaId", l.nome AS "medicoNome",
  h.divulgador_nome AS "divulgadorNome", h.divulgador_telefone AS "divulgadorTelefone",
  v.hospital, v.especialidade, v.data::text AS data, v.hora_inicio AS "horaInicio", v.hora_fim AS "horaFim",
  h.followup_count AS "followupCount"`;

/** followupKey(h.id, h.followup_count) in SQL: the queue row of the handoff's latest follow-up. */
const previousFollowupKey = Prisma.sql`'handoff:' || h.id || ':followup:' || h.followup_count`;

/** fila_mensagens statuses of a message not yet out of the queue. */
const QUEUED_STATUSES = ['pendente', 'processando'];

/** The handoff_processor's only door to the database. Every write is conditional: re-runs change nothing. */
@Injectable()
export class HandoffRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: OutboundQueueService,
  ) {}

  /**
   * Open handoffs whose next follow-up is due at `now`, the poster's phone usable or not (the caller lists
   * those it cannot write to, a missing phone included, so that an operator sees them). The previous
   * follow-up must have left the queue, and the gap runs from when it was sent: quiet hours hold follow-ups
   * in the queue, and measured from the enqueue they would all reach the poster at the opening together.
   */
  findDueFollowups(now: Date, limit: number, afterId: string): Promise<HandoffShift[]> {
    return this.prisma.$queryRaw<HandoffShift[]>`
      SELECT ${shiftColumns}
      FROM handoffs h JOIN leads l ON l.id = h.lead_id JOIN vagas v ON v.id = h.vaga_id
        LEFT JOIN fila_mensagens previous ON previous.chave_idempotencia = ${previousFollowupKey}
      WHERE h.status = ANY(${OPEN_STATUSES}::text[])
        AND h.reserved_until > ${now}
        AND h.followup_count < ${MAX_FOLLOWUPS}
        AND h.created_at + make_interval(secs => (${[...FOLLOWUP_OFFSETS_MS]}::bigint[])[h.followup_count + 1] / 1000.0) <= ${now}
        AND (previous.status IS NULL OR previous.status <> ALL(${QUEUED_STATUSES}::text[]))
        AND (h.last_followup_at IS NULL
             OR GREATEST(h.last_followup_at, previous.enviada_em) <= ${new Date(now.getTime() - MIN_FOLLOWUP_GAP_MS)})
        AND h.id > ${afterId}::uuid
      ORDER BY h.id
      LIMIT ${limit}`;
  }

  /** Open handoffs past reserved_until. */
  findExpired(now: Date, limit: number, afterId: string): Promise<HandoffShift[]> {
    return this.prisma.$queryRaw<HandoffShift[]>`
      SELECT ${shiftColumns}
      FROM handoffs h JOIN leads l ON l.id = h.lead_id JOIN vagas v ON v.id = h.vaga_id
      WHERE h.status = ANY(${OPEN_STATUSES}::text[]) AND h.reserved_until <= ${now} AND h.id > ${afterId}::uuid
      ORDER BY h.id
      LIMIT ${limit}`;
  }

  /**
   * Reserves the expiries of the last ANNOUNCE_WINDOW_MS not yet announced to Slack, for this run to post
   * (two runs at once never reserve the same one; a reservation older than the lease was a run that died).
   * A row another session holds is left to a later run rather than waited for. `vagaStatus` is the shift's
   * status now, as the announcement reports it.
   */
  reserveUnannouncedExpiries(now: Date): Promise<ExpiryAnnouncement[]> {
    return this.prisma.$queryRaw<ExpiryAnnouncement[]>`
      WITH unannounced AS (
        SELECT id FROM handoffs
        WHERE status = ${HandoffStatus.expired} AND anunciado_em IS NULL
          AND expired_at > ${new Date(now.getTime() - ANNOUNCE_WINDOW_MS)}
          AND (anuncio_reservado_em IS NULL OR anuncio_reservado_em <= ${new Date(now.getTime() - ANNOUNCE_LEASE_MS)})
        FOR UPDATE SKIP LOCKED
      ), reserved AS (
        UPDATE handoffs h SET anuncio_reservado_em = ${now}
        FROM unannounced u WHERE h.id = u.id
        RETURNING h.id, h.expired_at
      )
      SELECT ${shiftColumns}, v.status AS "vagaStatus"
      FROM reserved r JOIN handoffs h ON h.id = r.id JOIN leads l ON l.id = h.lead_id JOIN vagas v ON v.id = h.vaga_id
      ORDER BY r.expired_at, r.id`;
  }

  async markAnnounced(handoffIds: string[], now: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE handoffs SET anunciado_em = ${now}
      WHERE id = ANY(${handoffIds}::uuid[]) AND anunciado_em IS NULL`;
  }

  async findShift(handoffId: string): Promise<(HandoffShift & { status: string }) | null> {
    const rows = await this.prisma.$queryRaw<(HandoffShift & { status: string })[]>`
      SELECT ${shiftColumns}, h.status
      FROM handoffs h JOIN leads l ON l.id = h.lead_id JOIN vagas v ON v.id = h.vaga_id
      WHERE h.id = ${handoffId}::uuid`;
    return rows[0] ?? null;
  }

  /**
   * Records follow-up `number` and enqueues its message to the poster, in one transaction. The update
   * only matches while the count is still number - 1, so of two concurrent runs exactly one sends.
   */
  recordFollowup(
    shift: HandoffShift,
    posterPhone: string,
    number: number,
    now: Date,
    message: Omit<OutboundMessage, 'leadId'>,
  ): Promise<boolean> {
    return this.transaction(async (tx) => {
      const claimed = await tx.$executeRaw`
        UPDATE handoffs
        SET followup_count = ${number}, last_followup_at = ${now}, status = ${HandoffStatus.contacted}, updated_at = now()
        WHERE id = ${shift.handoffId}::uuid AND followup_count = ${number - 1}
          AND status = ANY(${OPEN_STATUSES}::text[]) AND reserved_until > ${now}`;
      if (claimed === 0) return false;
      const posterLeadId = await this.findOrCreatePosterLead(tx, posterPhone, shift.divulgadorNome);
      await this.queue.enqueue({ ...message, leadId: posterLeadId }, tx);
      return true;
    });
  }

  /**
   * Closes an open handoff (`expired`, `confirmed`, `not_confirmed`) and moves its shift, in one transaction;
   * `doctorMessage` (when given) is enqueued in it too, and follow-ups still waiting in the queue (quiet
   * hours hold them) are cancelled. null when the handoff was no longer open.
   */
  closeHandoff(
    shift: HandoffShift,
    status: ClosingStatus,
    now: Date,
    respondidoPor: string | null,
    doctorMessage: OutboundMessage | null,
  ): Promise<ClosedHandoff | null> {
    return this.transaction(async (tx) => {
      const closed = await tx.$executeRaw`
        UPDATE handoffs
        SET status = ${status}, updated_at = now(),
            expired_at = CASE WHEN ${status} = ${HandoffStatus.expired} THEN ${now}::timestamptz ELSE expired_at END,
            respondido_em = CASE WHEN ${status} = ${HandoffStatus.expired} THEN respondido_em ELSE ${now}::timestamptz END,
            respondido_por = CASE WHEN ${status} = ${HandoffStatus.expired} THEN respondido_por ELSE ${respondidoPor} END
        WHERE id = ${shift.handoffId}::uuid AND status = ANY(${OPEN_STATUSES}::text[])`;
      if (closed === 0) return null;
      const vagaStatus =
        status === HandoffStatus.confirmed
          ? await this.moveShift(tx, shift, 'confirmada', 'handoff confirmado pelo divulgador')
          : await this.moveShift(tx, shift, 'aberta', motivoReopen(status));
      if (doctorMessage !== null) await this.queue.enqueue(doctorMessage, tx);
      await this.cancelQueuedFollowups(tx, shift, now);
      return { shift, vagaStatus };
    });
  }

  /** One handoff's writes, in a transaction that gives up on a row lock after HANDOFF_LOCK_TIMEOUT_MS. */
  private transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('lock_timeout', ${String(HANDOFF_LOCK_TIMEOUT_MS)}, true)`;
        return work(tx);
      },
      // the server's lock_timeout comes first; this bounds a transaction whose statements each waited a while
      { maxWait: HANDOFF_LOCK_TIMEOUT_MS, timeout: 4 * HANDOFF_LOCK_TIMEOUT_MS },
    );
  }

  /**
   * Moves the shift from `reservada` only while it is reserved for this handoff: no other handoff of the
   * same shift may be open or confirmed (it was re-assigned). Audited like every worker's shift change.
   */
  private async moveShift(tx: Tx, shift: HandoffShift, to: string, motivo: string): Promise<string | null> {
    const moved = await tx.$queryRaw<{ id: string }[]>`
      WITH moved AS (
        UPDATE vagas v SET status = ${to}, updated_at = now()
        WHERE v.id = ${shift.vagaId}::uuid AND v.status = 'reservada'
          AND NOT EXISTS (
            SELECT 1 FROM handoffs o
            WHERE o.vaga_id = v.id AND o.id <> ${shift.handoffId}::uuid
              AND o.status = ANY(${[...OPEN_STATUSES, HandoffStatus.confirmed]}::text[]))
        RETURNING v.id
      )
      INSERT INTO vagas_auditoria (vaga_id, status_anterior, status_novo, origem, motivo)
      SELECT id, 'reservada', ${to}, ${AUDIT_ORIGEM}, ${motivo} FROM moved
      RETURNING vaga_id AS id`;
    return moved.length > 0 ? to : null;
  }

  /**
   * A reminder to confirm a handoff that is already closed must not reach the poster (e.g. a Friday
   * evening handoff whose follow-ups wait for Monday's opening, by when it expired). Found by their keys,
   * not the poster's lead: the phone may have been corrected since they were queued. One being sent
   * (`processando`) is past recall.
   */
  private async cancelQueuedFollowups(tx: Tx, shift: HandoffShift, now: Date): Promise<void> {
    const keys = Array.from({ length: MAX_FOLLOWUPS }, (_, index) => followupKey(shift.handoffId, index + 1));
    await tx.$executeRaw`
      UPDATE fila_mensagens SET status = 'cancelada', erro = ${FOLLOWUP_CANCEL_REASON}, updated_at = ${now}
      WHERE chave_idempotencia = ANY(${keys}::text[]) AND status = 'pendente'`;
  }

  /**
   * Follow-ups need a lead row (fila_mensagens.lead_id); the poster may not be one yet. `telefone` is
   * country-code-first digits, so a poster already known as a lead is found, not duplicated.
   */
  private async findOrCreatePosterLead(tx: Tx, telefone: string, nome: string | null): Promise<string> {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO leads (telefone, nome) VALUES (${telefone}, ${nome})
      ON CONFLICT (telefone) DO UPDATE SET nome = COALESCE(leads.nome, EXCLUDED.nome)
      RETURNING id`;
    return row.id;
  }
}

const FOLLOWUP_CANCEL_REASON = 'handoff_closed';

function motivoReopen(status: ClosingStatus): string {
  return status === HandoffStatus.expired
    ? 'handoff expirou sem confirmação'
    : 'divulgador não confirmou o handoff';
}
