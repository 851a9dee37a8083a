import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { JobRegistry } from '../scheduler/job-registry';
import type { JobRunObserver, JobRunReport } from '../scheduler/job-run-observer';
import type { JobStatus } from '../scheduler/job.types';
import { JOB_DURATION_BUCKETS } from './metrics.constants';
import { MetricsRegistry } from './metrics-registry';

const FINAL_STATUSES: readonly JobStatus[] = ['success', 'error', 'timeout', 'skipped'];

/** Run metrics, fed by JobRunner through the JobRunObserver hook. */
@Injectable()
export class JobMetrics implements JobRunObserver, OnApplicationBootstrap {
  private readonly duration: Histogram<'job'>;
  private readonly runs: Counter<'job' | 'status'>;
  private readonly failures: Counter<'job'>;
  private readonly lag: Gauge<'job'>;

  constructor(
    registry: MetricsRegistry,
    private readonly jobs: JobRegistry,
  ) {
    const registers = [registry];
    this.duration = new Histogram({
      name: 'job_duration_seconds',
      help: 'How long job runs took, by job (skipped runs are not observed).',
      labelNames: ['job'],
      buckets: JOB_DURATION_BUCKETS,
      registers,
    });
    this.runs = new Counter({
      name: 'job_runs_total',
      help: 'Job runs by job and final status (success, error, timeout, skipped).',
      labelNames: ['job', 'status'],
      registers,
    });
    this.failures = new Counter({
      name: 'job_failures_total',
      help: 'Job runs that ended in error or timeout, by job.',
      labelNames: ['job'],
      registers,
    });
    this.lag = new Gauge({
      name: 'scheduler_lag_seconds',
      help: 'Actual start minus due time of the latest scheduled run, by job.',
      labelNames: ['job'],
      registers,
    });
  }

  // A counter series that first appears at 1 has no earlier sample, so increase() and rate() miss that
  // first failure after every restart (for a daily job, nearly every failure): each job starts at 0.
  onApplicationBootstrap(): void {
    for (const job of this.jobs.names()) {
      this.failures.inc({ job }, 0);
      for (const status of FINAL_STATUSES) this.runs.inc({ job, status }, 0);
    }
  }

  runFinished({ outcome, dueAt, startedAt }: JobRunReport): void {
    const job = outcome.jobName;
    this.runs.inc({ job, status: outcome.status });
    if (outcome.status === 'error' || outcome.status === 'timeout') this.failures.inc({ job });
    if (outcome.status !== 'skipped') this.duration.observe({ job }, outcome.durationMs / 1000);
    // catch-up runs start late by design; only clock ticks say whether the scheduler keeps up
    if (dueAt !== null && outcome.trigger === 'schedule')
      this.lag.set({ job }, Math.max(0, (startedAt.getTime() - dueAt.getTime()) / 1000));
  }

  // Each tick runs on one replica: the lag of an older tick would stay on this one, and a max() over the
  // replicas would report it for as long as another replica keeps winning the ticks.
  tickClaimedElsewhere(job: string): void {
    this.lag.remove({ job });
  }
}
