import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import type { PageQuery } from './admin.schemas';
import { boundedRead } from './bounded-read';

export interface ExecutionRow {
  id: string;
  job_name: string;
  trigger: string;
  status: string;
  due_at: Date | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  items_processed: number | null;
  error: string | null;
  replica: string | null;
}

const COLUMNS = `id::text, job_name, trigger, status, due_at, started_at, finished_at, duration_ms,
  items_processed, error, replica`;

/** The admin API's reads of `job_executions`. */
@Injectable()
export class AdminJobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The latest run of each job that really ran (a skipped tick says nothing about the job). */
  async lastRuns(jobNames: readonly string[]): Promise<Map<string, ExecutionRow>> {
    if (jobNames.length === 0) return new Map();
    // One branch per job, each name its own parameter: planned with the name's own statistics, a job that
    // runs every minute is found by walking back in time, one that ran yesterday or never through the
    // (job_name, started_at) index. (With the names in one array the planner chose the walk for all,
    // and a job that never ran read the whole history on every dashboard refresh.)
    const latest = jobNames.map(
      (name) => Prisma.sql`(SELECT ${Prisma.raw(COLUMNS)} FROM job_executions
         WHERE job_name = ${name} AND status <> 'skipped' ORDER BY started_at DESC LIMIT 1)`,
    );
    const rows = await boundedRead(
      this.prisma,
      (tx) => tx.$queryRaw<ExecutionRow[]>`${Prisma.join(latest, ' UNION ALL ')}`,
    );
    return new Map(rows.map((row) => [row.job_name, row]));
  }

  async history(jobName: string, page: PageQuery): Promise<{ total: number; items: ExecutionRow[] }> {
    return boundedRead(this.prisma, async (tx) => {
      const items = await tx.$queryRawUnsafe<ExecutionRow[]>(
        `SELECT ${COLUMNS} FROM job_executions WHERE job_name = $1
          ORDER BY started_at DESC LIMIT $2 OFFSET $3`,
        jobName,
        page.per_page,
        (page.page - 1) * page.per_page,
      );
      return { total: await tx.jobExecution.count({ where: { jobName } }), items };
    });
  }

  /** Runs that ended in error or timeout since `since`, newest first. */
  recentFailures(since: Date, limit: number): Promise<ExecutionRow[]> {
    return boundedRead(this.prisma, (tx) =>
      tx.$queryRawUnsafe<ExecutionRow[]>(
        `SELECT ${COLUMNS} FROM job_executions
          WHERE started_at >= $1 AND status IN ('error', 'timeout') ORDER BY started_at DESC LIMIT $2`,
        since,
        limit,
      ),
    );
  }
}
