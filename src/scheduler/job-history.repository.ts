import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { JobStatus, JobTrigger } from './job.types';

export interface ExecutionStart {
  /** chosen by the caller, the same for every retry of one start: a retry finds its own row by it */
  id: string;
  jobName: string;
  trigger: JobTrigger;
  dueAt: Date | null;
  startedAt: Date;
  replica: string;
  fencingToken: number | null;
}

export interface ExecutionEnd {
  status: Exclude<JobStatus, 'running'>;
  finishedAt: Date;
  durationMs: number;
  itemsProcessed: number | null;
  error: string | null;
  details: Record<string, unknown> | null;
}

export interface RunningExecution {
  id: string;
  jobName: string;
  startedAt: Date;
  fencingToken: number | null;
}

/** `job_executions`: one row per run (CONTRACT §4). The scheduler's only door to that table. */
@Injectable()
export class JobHistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the `running` row. For a scheduled tick (dueAt set) this is also the claim: the unique
   * (job_name, due_at) index lets exactly one replica insert it; the others get null.
   */
  async start(run: ExecutionStart): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO job_executions (id, job_name, trigger, due_at, started_at, status, replica, fencing_token)
      VALUES (${run.id}::uuid, ${run.jobName}, ${run.trigger}, ${run.dueAt}, ${run.startedAt}, 'running',
              ${run.replica}, ${toBigInt(run.fencingToken)})
      ON CONFLICT DO NOTHING
      RETURNING id::text`;
    if (rows.length) return rows[0].id;
    // Nothing inserted: the tick is another replica's, or an earlier try of this very start committed and
    // only its reply was lost (a retry must then run the tick, not skip it as claimed elsewhere).
    const own = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id::text FROM job_executions WHERE id = ${run.id}::uuid`;
    return own[0]?.id ?? null;
  }

  /** Writes the final status once: a row already closed (e.g. by the reaper) is left as it is. */
  async finish(id: string, end: ExecutionEnd): Promise<boolean> {
    const { count } = await this.prisma.jobExecution.updateMany({
      where: { id, status: 'running' },
      data: { ...end, details: (end.details ?? undefined) as object | undefined },
    });
    return count === 1;
  }

  /** A run that found its job still running; null when the tick was another replica's after all. */
  async recordSkipped(
    run: Omit<ExecutionStart, 'fencingToken' | 'id'>,
    reason: string,
  ): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO job_executions
        (job_name, trigger, due_at, started_at, finished_at, status, duration_ms, items_processed, error, replica)
      VALUES (${run.jobName}, ${run.trigger}, ${run.dueAt}, ${run.startedAt}, ${run.startedAt}, 'skipped', 0, 0,
              ${reason}, ${run.replica})
      ON CONFLICT (job_name, due_at) WHERE due_at IS NOT NULL DO NOTHING
      RETURNING id::text`;
    return rows[0]?.id ?? null;
  }

  /** A claimed tick that found its job still running (another run holds the lock). */
  async markSkipped(id: string, reason: string, at: Date): Promise<string | null> {
    const { count } = await this.prisma.jobExecution.updateMany({
      where: { id, status: 'running' },
      data: { status: 'skipped', finishedAt: at, durationMs: 0, itemsProcessed: 0, error: reason },
    });
    return count === 1 ? id : null;
  }

  /** The lock a claimed tick got, so the reaper can tell a live run from an orphan. */
  async setFencingToken(id: string, fencingToken: number): Promise<void> {
    await this.prisma.jobExecution.update({ where: { id }, data: { fencingToken: BigInt(fencingToken) } });
  }

  async runningStartedBefore(instant: Date): Promise<RunningExecution[]> {
    const rows = await this.prisma.jobExecution.findMany({
      where: { status: 'running', startedAt: { lt: instant } },
      select: { id: true, jobName: true, startedAt: true, fencingToken: true },
      orderBy: { startedAt: 'asc' },
      take: 1000,
    });
    return rows.map((row) => ({
      ...row,
      fencingToken: row.fencingToken === null ? null : Number(row.fencingToken),
    }));
  }

  async closeOrphan(execution: RunningExecution, reason: string, now: Date): Promise<boolean> {
    return this.finish(execution.id, {
      status: 'error',
      finishedAt: now,
      durationMs: Math.min(now.getTime() - execution.startedAt.getTime(), MAX_INT),
      itemsProcessed: null,
      error: reason,
      details: null,
    });
  }

  /** Deletes rows started before `before`, in batches so a large backlog never holds long locks. */
  async pruneStartedBefore(before: Date, batchSize: number, signal: AbortSignal): Promise<number> {
    let deleted = 0;
    while (!signal.aborted) {
      const count = await this.prisma.$executeRaw`
        DELETE FROM job_executions WHERE id IN (
          SELECT id FROM job_executions WHERE started_at < ${before} AND status <> 'running' LIMIT ${batchSize}
        )`;
      deleted += count;
      if (count < batchSize) break;
    }
    return deleted;
  }
}

// duration_ms is an int column; an orphan found weeks later must not overflow it
const MAX_INT = 2_147_483_647;

function toBigInt(value: number | null): bigint | null {
  return value === null ? null : BigInt(value);
}
