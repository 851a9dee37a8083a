import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface JobFigure {
  job: string;
  value: number;
}

/** The alert rules' reads of `job_executions` (shared by every replica, so any replica judges the same). */
@Injectable()
export class AlertsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs still going for longer than `seconds`, or that finished within the window after taking longer. */
  longRuns(now: Date, since: Date, seconds: number): Promise<JobFigure[]> {
    return this.prisma.$queryRaw<JobFigure[]>`
      SELECT job_name AS job,
             max(CASE WHEN status = 'running' THEN extract(epoch FROM ${now}::timestamptz - started_at)
                      ELSE duration_ms / 1000.0 END)::float8 AS value
        FROM job_executions
       WHERE (status = 'running' AND started_at < ${now}::timestamptz - make_interval(secs => ${seconds}))
          OR (status <> 'running' AND finished_at >= ${since} AND duration_ms > ${seconds * 1000})
       GROUP BY job_name ORDER BY value DESC`;
  }

  /**
   * Runs per job that failed or timed out since `since`, for jobs with more than `threshold`. Counted by when
   * they failed: a run that timed out at JOB_TIMEOUT (300 s) started before the window it failed in.
   */
  failuresOver(since: Date, threshold: number): Promise<JobFigure[]> {
    return this.prisma.$queryRaw<JobFigure[]>`
      SELECT job_name AS job, count(*)::int AS value FROM job_executions
       WHERE finished_at >= ${since} AND status IN ('error', 'timeout')
       GROUP BY job_name HAVING count(*) > ${threshold} ORDER BY value DESC`;
  }

  /** The worst start delay (start minus due time, seconds) of clock ticks started since `since`, per job. */
  schedulerLag(since: Date, seconds: number): Promise<JobFigure[]> {
    return this.prisma.$queryRaw<JobFigure[]>`
      SELECT job_name AS job, max(extract(epoch FROM started_at - due_at))::float8 AS value
        FROM job_executions
       WHERE started_at >= ${since} AND trigger = 'schedule' AND due_at IS NOT NULL AND status <> 'skipped'
       GROUP BY job_name HAVING max(extract(epoch FROM started_at - due_at)) > ${seconds}
       ORDER BY value DESC`;
  }
}
