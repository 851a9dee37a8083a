import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import { JobNames } from '../../scheduler/job-names';
import type { ClaimedMessage } from './claimed-message';
import { HELD_TO_BUSINESS_HOURS_KEY } from '../../queue/outbound-message';
import { Reasons, REPLY_TIPO } from './fila.constants';
import type { MessageOutcome } from './message-outcome';

interface ClaimedRow {
  id: string;
  lead_id: string;
  conteudo: string;
  tipo: string;
  live_reply: boolean;
  tentativas: number;
  max_tentativas: number;
  lead_found: boolean;
  telefone: string | null;
  opted_out: boolean | null;
  numero_envio: string | null;
}

/** A send about to go out, and the number it goes through. */
export interface StartedSend {
  readonly id: string;
  readonly sendingNumber: string;
  /** the lead the message was screened with, asked again whether it opted out */
  readonly leadId: string;
}

export interface QueueStats {
  /** due `pendente` rows */
  size: number;
  /** how long the oldest due row has waited, in seconds (0 when none) */
  oldestDueSeconds: number;
}

/** fila_worker's only door to the database: every write is one statement, guarded by the status. */
@Injectable()
export class FilaRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims up to `limit` due rows in send order; two replicas never get the same row. With
   * `unlessPaused`, nothing while an operator has paused process_queue: a run under way stops at its next
   * batch, on every replica, the moment the flag is set (asked in the claim itself, no round trip more).
   */
  async claim(limit: number, now: Date, { unlessPaused = false } = {}): Promise<ClaimedMessage[]> {
    const rows = await this.prisma.$queryRaw<ClaimedRow[]>`
      WITH due AS (
        SELECT id FROM fila_mensagens
         WHERE status = 'pendente' AND agendar_para <= ${now}
           AND NOT (${unlessPaused} AND EXISTS (
             SELECT 1 FROM jobs_agendados WHERE job_name = ${JobNames.processQueue} AND pausado))
         ORDER BY prioridade DESC, agendar_para, created_at
         LIMIT ${limit}
         FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE fila_mensagens f
           SET status = 'processando', processando_desde = ${now}, envio_iniciado_em = NULL, updated_at = ${now}
         -- an array of ids, not a join: a join may be planned as a hash of the whole table, one
         -- sequential scan per claim (most of the claim's cost with 50 000 rows, and growing with history)
         WHERE f.id = ANY(ARRAY(SELECT id FROM due))
        RETURNING f.id, f.lead_id, f.conteudo, f.tipo, f.tentativas, f.max_tentativas,
                  f.prioridade, f.agendar_para, f.created_at,
                  (f.tipo = ${REPLY_TIPO} AND f.metadata -> ${HELD_TO_BUSINESS_HOURS_KEY} IS DISTINCT FROM 'true'::jsonb) AS live_reply
      )
      SELECT c.id::text, c.lead_id::text, c.conteudo, c.tipo, c.live_reply, c.tentativas, c.max_tentativas,
             (l.id IS NOT NULL) AS lead_found, l.telefone, l.opted_out, l.numero_envio
        FROM claimed c
        -- one primary-key lookup per claimed row: as a plain join the planner may hash the whole leads
        -- table on every claim (a sequential scan: half the claim's time with 10 000 leads); OFFSET 0
        -- keeps it a lookup whatever the table's size
        LEFT JOIN LATERAL (
          SELECT id, telefone, opted_out, numero_envio FROM leads WHERE leads.id = c.lead_id OFFSET 0
        ) l ON true
       ORDER BY c.prioridade DESC, c.agendar_para, c.created_at`;
    return rows.map((row) => ({
      id: row.id,
      leadId: row.lead_id,
      conteudo: row.conteudo,
      tipo: row.tipo,
      liveReply: row.live_reply,
      tentativas: row.tentativas,
      maxTentativas: row.max_tentativas,
      claimedAt: now,
      lead: row.lead_found
        ? { telefone: row.telefone, optedOut: row.opted_out ?? false, numeroEnvio: row.numero_envio }
        : null,
    }));
  }

  /**
   * One statement, so one transaction: the final status of each outcome, with the contacted leads'
   * last-contact fields; the end of the send-started marks of the waves those outcomes close
   * (`settledMarks`); and a new mark for the sends about to go out, returned as `mark`.
   *
   * A mark is one row of `fila_envios_iniciados` naming its wave's messages, written before the provider
   * is called: if this replica dies before the wave's outcomes are written, the reaper knows those
   * messages may have gone out and does not send them again blindly. One row per wave rather than an
   * update of each message: a third of the cost of this statement. An outcome of a send carries its
   * mark's time and its number onto the row (`envio_iniciado_em`, `numero_envio`). Only rows still
   * `processando` are written: no later write can undo a final status.
   *
   * A send whose lead opted out since its batch was screened is left out of the mark and returned in
   * `optedOut`: the batch may have waited for the ones before it, and "PARE" can come meanwhile.
   */
  async record(
    outcomes: readonly MessageOutcome[],
    settledMarks: readonly string[],
    startedSends: readonly StartedSend[],
    now: Date,
    weekStart: string,
  ): Promise<{ written: number; mark: string | null; optedOut: string[] }> {
    if (!outcomes.length && !settledMarks.length && !startedSends.length)
      return { written: 0, mark: null, optedOut: [] };
    // Rows travel as one JSON text each: built natively by JSON.stringify, where an array parameter per
    // column would be converted element by element by the client and the driver (the hot path's CPU).
    const rows = JSON.stringify(outcomes.map(toRow));
    const sends = JSON.stringify(
      startedSends.map((send) => ({ id: send.id, numero: send.sendingNumber, lead: send.leadId })),
    );
    const [row] = await this.prisma.$queryRaw<
      Array<{ written: number; mark: string | null; opted_out: string[] | null }>
    >`
      WITH v AS (
        SELECT * FROM json_to_recordset(${rows}::json) AS v(
          id uuid, status text, agendar_para timestamptz, erro text, attempt int, provider_message_id text,
          numero_envio text, envio_iniciado_em timestamptz)
      ), unmarked AS (
        DELETE FROM fila_envios_iniciados WHERE id = ANY(${settledMarks}::bigint[])
      ), done AS (
        UPDATE fila_mensagens f SET
          status = v.status,
          agendar_para = COALESCE(v.agendar_para, f.agendar_para),
          tentativas = f.tentativas + COALESCE(v.attempt, 0),
          -- a row put back untouched (no reason of its own) keeps why it was last deferred or retried
          erro = CASE WHEN v.status = 'pendente' THEN COALESCE(v.erro, f.erro) ELSE v.erro END,
          enviada_em = CASE WHEN v.status = 'enviada' THEN ${now}::timestamptz ELSE f.enviada_em END,
          provider_message_id = COALESCE(v.provider_message_id, f.provider_message_id),
          numero_envio = COALESCE(v.numero_envio, f.numero_envio),
          envio_iniciado_em = CASE WHEN v.status = 'pendente' THEN NULL
                                   ELSE COALESCE(v.envio_iniciado_em, f.envio_iniciado_em) END,
          processando_desde = NULL,
          updated_at = ${now}
        FROM v WHERE f.id = v.id AND f.status = 'processando'
        RETURNING f.lead_id, f.status, f.numero_envio
      ), contacted AS (
        UPDATE leads l SET
          last_contact_at = ${now},
          -- a counter of an earlier week starts over here, whether or not temperature_decay reset it yet
          contatos_semana = CASE WHEN l.contatos_semana_desde < ${weekStart}::date THEN d.sent
                                 ELSE l.contatos_semana + d.sent END,
          contatos_semana_desde = GREATEST(l.contatos_semana_desde, ${weekStart}::date),
          numero_envio = d.numero_envio,
          updated_at = ${now}
        FROM (SELECT lead_id, count(*)::int AS sent, max(numero_envio) AS numero_envio
                FROM done WHERE status = 'enviada' GROUP BY lead_id) d
        WHERE l.id = d.lead_id
        RETURNING l.id
      ), s AS (
        SELECT * FROM json_to_recordset(${sends}::json) AS s(id uuid, numero text, lead uuid)
      ), opted_out AS (
        SELECT s.id FROM s JOIN leads l ON l.id = s.lead WHERE l.opted_out
      ), marked AS (
        -- both arrays are aggregated over the same rows in one pass, so they stay in step
        INSERT INTO fila_envios_iniciados (iniciado_em, fila_ids, numeros_envio)
        SELECT ${now}, array_agg(s.id), array_agg(s.numero)
          FROM s WHERE s.id NOT IN (SELECT id FROM opted_out)
        HAVING count(*) > 0
        RETURNING id
      )
      SELECT (SELECT count(*) FROM done)::int AS written, (SELECT id::text FROM marked) AS mark,
             (SELECT array_agg(id::text) FROM opted_out) AS opted_out`;
    return { written: row?.written ?? 0, mark: row?.mark ?? null, optedOut: row?.opted_out ?? [] };
  }

  /**
   * Rows left in `processando` by a replica that died. Never sent → back to `pendente` (an attempt
   * counted) or `erro` at the limit. Send started (named by a mark made since the row was claimed, or
   * marked the older way, `envio_iniciado_em` on the row) → `erro` with send_outcome_unknown: it may
   * have reached the provider, so it is not re-sent blindly; the operator checks and re-drives it. A row
   * with no `processando_desde` was not claimed by a replica (written by hand): it would never age, so it
   * counts as stuck. Marks older than `cutoff` belong to no live run: they are used here, then deleted.
   */
  async reclaimStuck(
    cutoff: Date,
    now: Date,
  ): Promise<{ requeued: number; deadLettered: number; unknown: number }> {
    const rows = await this.prisma.$queryRaw<Array<{ outcome: string; n: number }>>`
      WITH stuck AS (
        SELECT id, processando_desde FROM fila_mensagens
         WHERE status = 'processando' AND (processando_desde < ${cutoff} OR processando_desde IS NULL)
         FOR UPDATE SKIP LOCKED
      ), started AS (
        SELECT DISTINCT ON (s.id) s.id, s.numero, m.iniciado_em
          FROM fila_envios_iniciados m, unnest(m.fila_ids, m.numeros_envio) AS s(id, numero), stuck
         WHERE stuck.id = s.id
           AND (stuck.processando_desde IS NULL OR m.iniciado_em >= stuck.processando_desde)
         ORDER BY s.id, m.iniciado_em DESC
      ), reclaimed AS (
        UPDATE fila_mensagens f SET
          status = CASE WHEN s.id IS NULL AND f.envio_iniciado_em IS NULL AND f.tentativas + 1 < f.max_tentativas
                        THEN 'pendente' ELSE 'erro' END,
          erro = CASE
            WHEN s.id IS NOT NULL OR f.envio_iniciado_em IS NOT NULL THEN ${Reasons.sendOutcomeUnknown}
            WHEN f.tentativas + 1 >= f.max_tentativas
              THEN 'dead_letter after ' || (f.tentativas + 1) || ' attempts: the replica processing it died'
            ELSE 'reclaimed: the replica processing it died' END,
          tentativas = f.tentativas + 1,
          agendar_para = CASE WHEN s.id IS NULL AND f.envio_iniciado_em IS NULL THEN ${now} ELSE f.agendar_para END,
          envio_iniciado_em = COALESCE(s.iniciado_em, f.envio_iniciado_em),
          numero_envio = COALESCE(s.numero, f.numero_envio),
          processando_desde = NULL,
          updated_at = ${now}
        FROM stuck LEFT JOIN started s ON s.id = stuck.id
        WHERE f.id = stuck.id
        RETURNING CASE WHEN f.envio_iniciado_em IS NOT NULL THEN 'unknown'
                       WHEN f.status = 'erro' THEN 'dead' ELSE 'requeued' END AS outcome
      ), forgotten AS (
        -- a mark naming a row skipped above (another session held it) is kept for the next reclaim, else that
        -- row would come back unmarked and be re-sent
        DELETE FROM fila_envios_iniciados m
         WHERE m.iniciado_em < ${cutoff}
           AND NOT EXISTS (
             SELECT 1 FROM fila_mensagens f
              WHERE f.id = ANY(m.fila_ids) AND f.status = 'processando'
                AND f.id NOT IN (SELECT id FROM stuck))
      )
      SELECT outcome, count(*)::int AS n FROM reclaimed GROUP BY outcome`;
    const count = (outcome: string) => rows.find((row) => row.outcome === outcome)?.n ?? 0;
    return { requeued: count('requeued'), deadLettered: count('dead'), unknown: count('unknown') };
  }

  /**
   * Campaign rows pending for more than a day are no longer worth sending. A row another session holds
   * is left to the next poll: waiting for it would hold up every send behind this housekeeping. The day
   * counts from `created_at`: `agendar_para` also moves with every deferral (caps, quiet hours), so a
   * campaign held back by limits would never expire by it.
   */
  async cancelExpiredCampaigns(tipos: readonly string[], createdBefore: Date, now: Date): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE fila_mensagens SET status = 'cancelada', erro = ${Reasons.expired}, updated_at = ${now}
       WHERE id = ANY(ARRAY(
         SELECT id FROM fila_mensagens
          WHERE status = 'pendente' AND tipo = ANY(${[...tipos]}::text[]) AND created_at < ${createdBefore}
          FOR UPDATE SKIP LOCKED))`;
  }

  /** Puts chosen dead letters back in the queue with their attempts reset (admin re-drive). */
  async redrive(ids: readonly string[], now: Date): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE fila_mensagens SET status = 'pendente', tentativas = 0, erro = NULL, agendar_para = ${now},
             envio_iniciado_em = NULL, processando_desde = NULL, updated_at = ${now}
       WHERE id = ANY(${[...ids]}::uuid[]) AND status = 'erro'`;
  }

  /** who paused process_queue (admin pause) and since when; null while it runs */
  async queuePause(): Promise<{ by: string | null; since: Date | null } | null> {
    const [row] = await this.prisma.$queryRaw<Array<{ by: string | null; since: Date | null }>>`
      SELECT pausado_por AS by, pausado_em AS since FROM jobs_agendados
       WHERE job_name = 'process_queue' AND pausado`;
    return row ?? null;
  }

  /**
   * The last process_queue run that succeeded, on any replica: when it finished, and why it stopped
   * sending if it paused (the rate limiter unreachable; null when it could send).
   */
  async lastSuccessfulPoll(): Promise<{ at: Date; pausedBecause: string | null } | null> {
    const [row] = await this.prisma.$queryRaw<Array<{ at: Date; paused: string | null }>>`
      SELECT finished_at AS at, details ->> 'paused' AS paused FROM job_executions
       WHERE job_name = 'process_queue' AND status = 'success' AND finished_at IS NOT NULL
       ORDER BY finished_at DESC LIMIT 1`;
    return row ? { at: row.at, pausedBecause: row.paused } : null;
  }

  async stats(now: Date): Promise<QueueStats> {
    const [row] = await this.prisma.$queryRaw<Array<{ size: number; oldest: Date | null }>>`
      SELECT count(*)::int AS size, min(agendar_para) AS oldest
        FROM fila_mensagens WHERE status = 'pendente' AND agendar_para <= ${now}`;
    const oldestDueSeconds = row?.oldest ? Math.max(0, (now.getTime() - row.oldest.getTime()) / 1000) : 0;
    return { size: row?.size ?? 0, oldestDueSeconds };
  }
}

/**
 * One outcome as a row of the final write: the columns of `json_to_recordset` in `record`. A column
 * without a value is left out (`json_to_recordset` reads a missing key as NULL): the server parses every
 * key it is given, and most outcomes are sends that leave half the columns empty.
 */
interface OutcomeRow {
  id: string;
  status: string;
  agendar_para?: Date;
  erro?: string;
  attempt?: 1;
  provider_message_id?: string;
  numero_envio?: string;
  envio_iniciado_em?: Date;
}

function toRow(outcome: MessageOutcome): OutcomeRow {
  const row: OutcomeRow = { id: outcome.id, status: 'pendente' };
  if ('sendingNumber' in outcome && outcome.sendingNumber !== undefined)
    row.numero_envio = outcome.sendingNumber;
  if ('sendStartedAt' in outcome && outcome.sendStartedAt !== undefined)
    row.envio_iniciado_em = outcome.sendStartedAt;
  switch (outcome.kind) {
    case 'sent':
      row.status = 'enviada';
      row.provider_message_id = outcome.providerMessageId;
      break;
    case 'blocked':
      row.status = 'bloqueada';
      row.erro = outcome.reason;
      break;
    case 'failed':
      row.status = 'erro';
      row.erro = outcome.reason;
      if (outcome.attemptCounted) row.attempt = 1;
      break;
    case 'deferred':
      row.erro = outcome.reason;
      if (outcome.attemptCounted) row.attempt = 1;
      row.agendar_para = outcome.until;
      break;
    case 'released':
      break;
  }
  return row;
}
