import type { Client } from 'pg';

export interface TickRow {
  dueAt: number;
  startedAt: number;
  status: string;
  replica: string | null;
  trigger: string;
  fencingToken: string | null;
  error: string | null;
}

export interface TickAudit {
  job: string;
  ticks: number;
  firstDueAt: string | null;
  lastDueAt: string | null;
  /** due times with more than one row, and the replicas that wrote them */
  duplicates: Array<{ dueAt: string; replicas: Array<string | null> }>;
  /** due times expected on the schedule that have no row at all */
  gaps: string[];
  /** rows whose due time is not on the schedule (not a multiple of the period) */
  offSchedule: string[];
  statuses: Record<string, number>;
  /** due times recorded as skipped (another run of the job still held its lock) */
  skippedDueAt: string[];
  /**
   * skipped ticks whose lock holder (the fencing token in the reason) left no run row: the lock was
   * taken for this same tick by a replica that then lost the row to the skip, so the tick never ran
   */
  skippedWithoutRun: string[];
  byReplica: Record<string, number>;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
}

/** Every scheduled (due_at set) row of one job, oldest due time first. */
export async function tickRows(sql: Client, job: string): Promise<TickRow[]> {
  const { rows } = await sql.query<{
    due_ms: string;
    started_ms: string;
    status: string;
    replica: string | null;
    trigger: string;
    fencing_token: string | null;
    error: string | null;
  }>(
    `SELECT (extract(epoch FROM due_at) * 1000)::bigint AS due_ms,
            (extract(epoch FROM started_at) * 1000)::bigint AS started_ms,
            status, replica, trigger, fencing_token::text, error
       FROM job_executions
      WHERE job_name = $1 AND due_at IS NOT NULL
      ORDER BY due_at`,
    [job],
  );
  return rows.map((row) => ({
    dueAt: Number(row.due_ms),
    startedAt: Number(row.started_ms),
    status: row.status,
    replica: row.replica,
    trigger: row.trigger,
    fencingToken: row.fencing_token,
    error: row.error,
  }));
}

/**
 * Checks one job's ticks against its period: between `from` and `to` every due time that is a
 * multiple of `periodMs` must have exactly one row.
 */
export function auditTicks(
  job: string,
  rows: TickRow[],
  periodMs: number,
  from: number,
  to: number,
): TickAudit {
  const byDue = new Map<number, TickRow[]>();
  for (const row of rows) byDue.set(row.dueAt, [...(byDue.get(row.dueAt) ?? []), row]);
  const gaps: string[] = [];
  for (let due = Math.ceil(from / periodMs) * periodMs; due <= to; due += periodMs)
    if (!byDue.has(due)) gaps.push(iso(due));
  return {
    job,
    ticks: rows.length,
    firstDueAt: rows.length ? iso(rows[0].dueAt) : null,
    lastDueAt: rows.length ? iso(rows[rows.length - 1].dueAt) : null,
    duplicates: [...byDue]
      .filter(([, same]) => same.length > 1)
      .map(([due, same]) => ({ dueAt: iso(due), replicas: same.map((row) => row.replica) })),
    gaps,
    offSchedule: rows.filter((row) => row.dueAt % periodMs !== 0).map((row) => iso(row.dueAt)),
    statuses: countBy(rows, (row) => row.status),
    skippedDueAt: rows.filter((row) => row.status === 'skipped').map((row) => iso(row.dueAt)),
    skippedWithoutRun: skippedWithoutRun(rows).map((row) => iso(row.dueAt)),
    byReplica: countBy(rows, (row) => row.replica ?? 'null'),
    lagP50Ms: percentile(
      rows.map((row) => row.startedAt - row.dueAt),
      0.5,
    ),
    lagP99Ms: percentile(
      rows.map((row) => row.startedAt - row.dueAt),
      0.99,
    ),
  };
}

function skippedWithoutRun(rows: TickRow[]): TickRow[] {
  const tokens = new Set(rows.map((row) => row.fencingToken).filter(Boolean));
  return rows.filter((row) => {
    const holder = /fencing token (\d+)/.exec(row.error ?? '')?.[1];
    return row.status === 'skipped' && holder !== undefined && !tokens.has(holder);
  });
}

function countBy(rows: TickRow[], key: (row: TickRow) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[key(row)] = (counts[key(row)] ?? 0) + 1;
  return counts;
}

function percentile(values: number[], fraction: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
