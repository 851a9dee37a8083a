import type { JobRunOutcome } from './job-run-outcome';

/** What the runner tells an observer about one finished (or skipped) run. */
export interface JobRunReport {
  readonly outcome: JobRunOutcome;
  /** the scheduled instant the run was for; null for manual and CLI runs */
  readonly dueAt: Date | null;
  readonly startedAt: Date;
}

/**
 * Optional listener the runner calls after each run (metrics implement it). The runner stays the only
 * place that knows a run happened; an observer that throws never affects the run.
 */
export abstract class JobRunObserver {
  abstract runFinished(report: JobRunReport): void;
  /** another replica claimed this due tick of `jobName` and runs it: this replica's figures for the job are older */
  abstract tickClaimedElsewhere(jobName: string): void;
}
