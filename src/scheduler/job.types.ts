import type { Clock } from '../common/clock';
import type { JobLogger } from './job-logger';

export type JobTrigger = 'schedule' | 'catch_up' | 'manual' | 'cli';

export type JobStatus = 'running' | 'success' | 'error' | 'timeout' | 'skipped';

/** What the runner hands every job handler. Handlers know nothing about locks, history or metrics. */
export interface JobContext {
  readonly jobName: string;
  readonly executionId: string;
  readonly trigger: JobTrigger;
  /**
   * the due time a scheduled or catch-up run stands for (absent for manual and CLI runs): a catch-up can
   * run hours after it, and a job about "the day before" must count from its due time
   */
  readonly dueAt?: Date;
  /** fires at JOB_TIMEOUT and when the shutdown grace period is over: stop between items and return */
  readonly signal: AbortSignal;
  /**
   * fires as soon as the service starts shutting down, a grace period before `signal`: a job that loops
   * over units of work (batches, pages) finishes the one in hand and returns instead of starting another
   */
  readonly stopping: AbortSignal;
  readonly logger: JobLogger;
  readonly clock: Clock;
}

/** Expected outcomes are values: "nothing to do" is itemsProcessed 0, not an exception. */
export interface JobResult {
  itemsProcessed: number;
  details?: Record<string, unknown>;
}

export type JobHandler = (context: JobContext) => Promise<JobResult>;
