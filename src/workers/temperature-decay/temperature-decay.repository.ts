import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../database/prisma.service';
import { DECAY_PER_DAY, LeadEstado, TEMPERATURE_TREND_COOLING } from './temperature-decay.constants';

export interface DecayPage {
  /** the last id of the page (the next page starts after it); null when the page was empty */
  lastId: string | null;
  scanned: number;
  decayed: number;
}

/** One batch of a walk over the leads by id. */
export interface LeadBatch {
  /** the last id the batch took (the next batch starts after it); null when it took none */
  lastId: string | null;
  selected: number;
  changed: number;
}

// The reference and the whole days are computed from the row being updated (`l`), never from a value
// read earlier: if an inbound message moves last_inbound_at while the page runs, PostgreSQL re-evaluates
// the WHERE and SET on the new row version, so the lead is simply no longer due.
const reference = Prisma.raw('COALESCE(GREATEST(l.last_decay_at, l.last_inbound_at), l.created_at)');
const wholeDays = (now: Date) =>
  Prisma.sql`floor((extract(epoch from ${now}::timestamptz) - extract(epoch from ${reference})) / 86400)::int`;

/** The temperature_decay worker's only door to the database. Every write is one set-based statement. */
@Injectable()
export class TemperatureDecayRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Decays the due leads among the next `pageSize` candidates (temperature > 0, not opted out) after `afterId`. */
  async decayPage(afterId: string, pageSize: number, now: Date): Promise<DecayPage> {
    const due = Prisma.sql`l.temperature > 0 AND NOT l.opted_out AND ${reference} <= ${now}::timestamptz - interval '24 hours'`;
    const [row] = await this.prisma.$queryRaw<{ last_id: string | null; scanned: number; decayed: number }[]>`
      WITH page AS (
        SELECT id FROM leads
        WHERE id > ${afterId}::uuid AND temperature > 0 AND NOT opted_out
        ORDER BY id
        LIMIT ${pageSize}
      ),
      -- Only the due leads are locked: a row lock is written into the row, and a lead falls due about once
      -- a day, so locking the whole page rewrote every lead's page every hour. A lead another writer holds
      -- (a send being recorded, an inbound message) is left to the next run rather than waited for: waiting
      -- while holding the locks already taken could close a deadlock with a writer of several leads, and the
      -- whole days it misses are taken next time.
      due AS (
        SELECT l.id FROM leads l
        WHERE l.id IN (SELECT id FROM page) AND ${due}
        FOR UPDATE SKIP LOCKED
      ),
      decayed AS (
        UPDATE leads l SET
          temperature = GREATEST(0, round(l.temperature - ${Prisma.raw(DECAY_PER_DAY.toFixed(2))} * ${wholeDays(now)}, 2)),
          temperature_trend = ${TEMPERATURE_TREND_COOLING},
          last_decay_at = ${reference} + ${wholeDays(now)} * interval '24 hours',
          updated_at = now()
        FROM due
        WHERE l.id = due.id AND ${due}
        RETURNING l.id
      )
      SELECT (SELECT id::text FROM page ORDER BY id DESC LIMIT 1) AS last_id,
             (SELECT count(*)::int FROM page) AS scanned,
             (SELECT count(*)::int FROM decayed) AS decayed`;
    return { lastId: row.last_id, scanned: row.scanned, decayed: row.decayed };
  }

  /** The next `limit` leads after `afterId` whose cooling-off period has ended go back to active. */
  reactivateCoolingOff(now: Date, afterId: string, limit: number): Promise<LeadBatch> {
    return this.updateBatch(
      Prisma.sql`estado = ${LeadEstado.coolingOff} AND cooling_off_ate <= ${now}::timestamptz`,
      Prisma.sql`estado = ${LeadEstado.active}, cooling_off_ate = NULL`,
      afterId,
      limit,
    );
  }

  /**
   * The next `limit` leads after `afterId` without inbound since `cutoff` (or, never having written, created
   * before it) churn.
   */
  churnInactive(cutoff: Date, afterId: string, limit: number): Promise<LeadBatch> {
    return this.updateBatch(
      Prisma.sql`estado <> ${LeadEstado.churned} AND COALESCE(last_inbound_at, created_at) < ${cutoff}::timestamptz`,
      Prisma.sql`estado = ${LeadEstado.churned}, cooling_off_ate = NULL`,
      afterId,
      limit,
    );
  }

  /**
   * Starts the week for the next `limit` counters after `afterId` that began before `weekStart` (a local
   * `YYYY-MM-DD` Monday): contatos_semana = 0, contatos_semana_desde = weekStart. A counter with no start
   * date is zeroed only when `resetUndated` (Monday); on other days it is assumed to belong to this week and
   * is only stamped, so a mid-week row never loses the contacts already counted.
   */
  startWeek(weekStart: string, resetUndated: boolean, afterId: string, limit: number): Promise<LeadBatch> {
    return this.updateBatch(
      Prisma.sql`(contatos_semana_desde IS NULL OR contatos_semana_desde < ${weekStart}::date)`,
      Prisma.sql`contatos_semana = CASE WHEN contatos_semana_desde IS NULL AND NOT ${resetUndated}::boolean
                                        THEN contatos_semana ELSE 0 END,
                 contatos_semana_desde = ${weekStart}::date`,
      afterId,
      limit,
    );
  }

  /**
   * One batch of a set-based lead update, walking the table by id: each batch starts after the last id of
   * the one before, so a run over every lead (Monday's week start) reads each row once. Starting every batch
   * from the first id instead read again every row the earlier batches had changed: quadratic in the table
   * (almost 6 minutes at 300 000 leads). The rows are updated by id (ANY(ARRAY(...))): a join to the batch
   * is planned as a scan of the whole table up to tens of thousands of leads. A lead another transaction
   * holds is left to the next run.
   */
  private async updateBatch(
    matches: Prisma.Sql,
    assignments: Prisma.Sql,
    afterId: string,
    limit: number,
  ): Promise<LeadBatch> {
    const [row] = await this.prisma.$queryRaw<
      { last_id: string | null; selected: number; changed: number }[]
    >`
      WITH batch AS (
        SELECT id FROM leads
        WHERE id > ${afterId}::uuid AND ${matches}
        ORDER BY id LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ),
      changed AS (
        UPDATE leads SET ${assignments}, updated_at = now()
        WHERE leads.id = ANY(ARRAY(SELECT id FROM batch)) AND ${matches}
        RETURNING leads.id
      )
      SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last_id,
             (SELECT count(*)::int FROM batch) AS selected,
             (SELECT count(*)::int FROM changed) AS changed`;
    return { lastId: row.last_id, selected: row.selected, changed: row.changed };
  }
}
