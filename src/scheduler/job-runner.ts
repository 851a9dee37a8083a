import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { driverMessage, isPrismaError } from '../database/driver-message';
import { retryWrite } from '../database/write-retry';
import { runWithJobLogFields } from '../logging/job-log-context';
import { maskPhonesInText } from '../logging/phone-mask';
import { LockService } from '../redis/lock.service';
import { JobHistoryRepository } from './job-history.repository';
import { JobLogger } from './job-logger';
import { JobLease, type HeldLease } from './job-lease';
import { JobRegistry } from './job-registry';
import { workerNameOf } from './job-names';
import type { JobRunOutcome } from './job-run-outcome';
import { JobRunObserver } from './job-run-observer';
import { JobInterruptedError, JobTimeoutError } from './job-timeout.error';
import type { JobResult, JobTrigger } from './job.types';
import { replicaId } from './replica-id';
import { tickRetryBudgetMs } from './tick-retry-budget';

export interface RunOptions {
  trigger: JobTrigger;
  /** the scheduled instant this run is for (null for manual runs) */
  dueAt?: Date | null;
  /** how long to wait for a run elsewhere to finish before giving up as `skipped` (default: no wait) */
  waitForLockMs?: number;
}

const ERROR_TEXT_LIMIT = 500;
/** how long a run's lock lasts without renewal (see JobLease) */
export const JOB_LOCK_LEASE_MS = Symbol('JOB_LOCK_LEASE_MS');
export const DEFAULT_LOCK_LEASE_MS = 30_000;
// A run's result waits this long for the database to come back; the orphan reaper's margin is the same.
const HISTORY_WRITE_RETRY_MS = 60_000;

/**
 * The one place a job runs: lock → history row → handler with a deadline → final status → release.
 * Every trigger (clock tick, catch-up, admin "run now", `npm run job`) comes through here.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('scheduler');
  private readonly inFlight = new Map<
    string,
    { controller: AbortController; stopping: AbortController; done: Promise<unknown> }
  >();
  /** every run() in progress, from before its lock to its final status */
  private readonly runs = new Set<Promise<unknown>>();
  private readonly shuttingDown = new AbortController();
  private readonly lease: JobLease;

  constructor(
    private readonly registry: JobRegistry,
    locks: LockService,
    private readonly history: JobHistoryRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Inject(JOB_LOCK_LEASE_MS) leaseMs: number,
    @Optional() private readonly observer?: JobRunObserver,
  ) {
    this.lease = new JobLease(locks, leaseMs);
  }

  /**
   * Runs the job, or records why not. For a scheduled tick (`dueAt`) that another replica already
   * has, nothing is written and null comes back: each due tick leaves exactly one row.
   */
  async run(name: string, options: RunOptions & { dueAt: Date }): Promise<JobRunOutcome | null>;
  async run(name: string, options: RunOptions): Promise<JobRunOutcome>;
  async run(name: string, options: RunOptions): Promise<JobRunOutcome | null> {
    const run = this.attempt(name, options);
    this.runs.add(run);
    const forget = () => this.runs.delete(run);
    run.then(forget, forget);
    return run;
  }

  private async attempt(name: string, options: RunOptions): Promise<JobRunOutcome | null> {
    const job = this.registry.get(name);
    const base = {
      jobName: job.name,
      trigger: options.trigger,
      dueAt: options.dueAt ?? null,
      replica: replicaId,
    };
    // A scheduled tick is claimed first (its unique row), then locked: replicas firing the same tick at
    // once must not mistake each other for a run still going, which would skip the tick everywhere.
    let claimed: { executionId: string; startedAt: Date } | null = null;
    if (base.dueAt) {
      const startedAt = this.clock.now();
      const start = { ...base, id: randomUUID(), startedAt, fencingToken: null };
      // quietly: while the database is down, the scheduler logs a job's failing ticks once per spell
      const executionId = await retryWrite(() => this.history.start(start), {
        budgetMs: tickRetryBudgetMs(job.schedule.periodMs()),
      });
      if (!executionId) {
        this.observeElsewhere(job.name);
        return null;
      }
      claimed = { executionId, startedAt };
    }
    const lock = await this.lease.acquire({
      jobName: job.name,
      periodMs: job.schedule.periodMs(),
      waitMs: options.waitForLockMs ?? 0,
      stopping: this.shuttingDown.signal,
    });
    if (!lock.handle) return this.skip(job.name, base, lock.reason, claimed);
    const startedAt = claimed?.startedAt ?? this.clock.now();
    let executionId: string | null;
    try {
      executionId =
        claimed?.executionId ??
        (await this.history.start({
          ...base,
          id: randomUUID(),
          startedAt,
          fencingToken: lock.handle.fencingToken,
        }));
      // within a third of the lease, so the lock is still ours when the handler starts
      if (claimed) {
        const { executionId: claimedId } = claimed;
        const { fencingToken } = lock.handle;
        await this.persist(
          () => this.history.setFencingToken(claimedId, fencingToken),
          this.lease.leaseMs / 3,
        );
      }
    } catch (error) {
      await this.lease.release(lock.handle);
      throw error;
    }
    if (!executionId) {
      await this.lease.release(lock.handle);
      return null;
    }
    // From here the lock is released when the handler settles, never earlier: a final status that cannot
    // be written must not free the job for another replica while a handler past its deadline still runs.
    const outcome = await this.execute(job.name, executionId, lock, base.trigger, base.dueAt);
    this.observe(outcome, base.dueAt, startedAt);
    return outcome;
  }

  /** The job is still running (here or on another replica): one `skipped` row, never a queued run. */
  private async skip(
    jobName: string,
    base: { jobName: string; trigger: JobTrigger; dueAt: Date | null; replica: string },
    reason: string,
    claimed: { executionId: string; startedAt: Date } | null,
  ): Promise<JobRunOutcome | null> {
    const skippedAt = this.clock.now();
    const executionId = claimed
      ? await this.persist(
          () => this.history.markSkipped(claimed.executionId, reason, skippedAt),
          HISTORY_WRITE_RETRY_MS,
        )
      : await this.history.recordSkipped({ ...base, startedAt: skippedAt }, reason);
    if (!executionId) return null;
    this.logger.warn({ msg: 'job skipped', job: jobName, execution_id: executionId, reason });
    const skipped = this.outcome(jobName, executionId, base.trigger, 'skipped', 0, 0, reason, null);
    this.observe(skipped, base.dueAt, skippedAt);
    return skipped;
  }

  /** Runs in progress in this process. */
  runningJobs(): string[] {
    return [...this.inFlight.keys()];
  }

  /** No run in this process, not even one still waiting for its lock or writing its history. */
  isIdle(): boolean {
    return this.runs.size === 0 && this.inFlight.size === 0;
  }

  /**
   * Resolves when every run in this process has finished, or after `timeoutMs`; true if all finished.
   * Runs asked for meanwhile (an admin "run now" while the service drains) are waited for too: the
   * process exits once this resolves, and would cut them off mid-way.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const all = this.settleAll().then(() => true);
    const finished = await Promise.race([all, sleep(timeoutMs, false, { ref: false })]);
    return finished;
  }

  private async settleAll(): Promise<void> {
    const pending = () => [...this.runs, ...[...this.inFlight.values()].map((run) => run.done)];
    for (let runs = pending(); runs.length; runs = pending()) await Promise.allSettled(runs);
  }

  /**
   * Shutdown has begun: every run in progress, and any started from now on, sees `stopping` fire and may
   * wrap up early. Nothing is aborted (that is `abortAll`, after the grace period).
   */
  requestStop(): void {
    this.shuttingDown.abort();
    for (const run of this.inFlight.values()) run.stopping.abort();
  }

  /** Aborts every run in progress in this process (shutdown after the grace period). */
  abortAll(): void {
    for (const run of this.inFlight.values()) run.controller.abort(new JobInterruptedError());
  }

  private async execute(
    jobName: string,
    executionId: string,
    lock: HeldLease,
    trigger: JobTrigger,
    dueAt: Date | null,
  ): Promise<JobRunOutcome> {
    const job = this.registry.get(jobName);
    const started = performance.now();
    const logger = new JobLogger(jobName, executionId, workerNameOf(jobName));
    logger.info('job started', { trigger, due_at: dueAt?.toISOString(), replica: replicaId });

    const controller = new AbortController();
    // One per run, not one for the process: handlers combine it with AbortSignal.any, which on Node 20
    // keeps a reference to every combined signal in its sources for as long as they live.
    const stopping = new AbortController();
    if (this.shuttingDown.signal.aborted) stopping.abort();
    const timeoutMs = this.config.jobTimeoutMs;
    const deadline = setTimeout(() => controller.abort(new JobTimeoutError(timeoutMs)), timeoutMs);
    const handlerDone = Promise.resolve()
      .then(() =>
        runWithJobLogFields({ job: jobName, execution_id: executionId }, () =>
          job.handler({
            jobName,
            executionId,
            trigger,
            ...(dueAt && { dueAt }),
            signal: controller.signal,
            stopping: stopping.signal,
            logger,
            clock: this.clock,
          }),
        ),
      )
      .then(
        (result): Settled => ({ kind: 'result', result }),
        (error: unknown): Settled => ({ kind: 'error', error }),
      );
    // The lock is held until the handler really settles, even past its deadline.
    const stopRenewing = this.lease.keepRenewed(lock, controller, logger);
    const released = handlerDone.finally(() => {
      clearTimeout(deadline);
      stopRenewing();
      return this.lease.release(lock.handle);
    });
    this.inFlight.set(jobName, { controller, stopping, done: released });
    void released.finally(() => this.inFlight.delete(jobName));

    const settled = await Promise.race([handlerDone, abortedPromise(controller.signal)]);
    const durationMs = Math.round(performance.now() - started);
    const outcome = this.toOutcome(jobName, executionId, trigger, settled, durationMs);
    const end = {
      status: outcome.status,
      finishedAt: this.clock.now(),
      durationMs,
      itemsProcessed: outcome.itemsProcessed,
      error: outcome.error,
      details: outcome.details,
    };
    await this.persist(() => this.history.finish(executionId, end), HISTORY_WRITE_RETRY_MS);
    // a run that is over is over for the next caller too: a run asked for right after this one returns
    // must not find the lock still held and be skipped as 'already running' (a handler past its deadline
    // keeps it until it really ends, without holding this up)
    if (settled.kind !== 'aborted') await released.catch(() => undefined);
    const fields = {
      status: outcome.status,
      duration_ms: durationMs,
      items_processed: outcome.itemsProcessed,
    };
    if (outcome.status === 'success')
      logger.info('job finished', { ...fields, details: outcome.details ?? undefined });
    else logger.error('job failed', { ...fields, error: outcome.error });
    return outcome;
  }

  private toOutcome(
    jobName: string,
    executionId: string,
    trigger: JobTrigger,
    settled: Settled,
    durationMs: number,
  ): JobRunOutcome {
    if (settled.kind === 'result') {
      const items = Number.isFinite(settled.result?.itemsProcessed) ? settled.result.itemsProcessed : 0;
      return this.outcome(
        jobName,
        executionId,
        trigger,
        'success',
        durationMs,
        items,
        null,
        settled.result?.details ?? null,
      );
    }
    if (settled.kind === 'aborted') {
      const status = settled.reason instanceof JobTimeoutError ? 'timeout' : 'error';
      return this.outcome(
        jobName,
        executionId,
        trigger,
        status,
        durationMs,
        0,
        errorText(settled.reason),
        null,
      );
    }
    return this.outcome(
      jobName,
      executionId,
      trigger,
      'error',
      durationMs,
      0,
      errorText(settled.error),
      null,
    );
  }

  private outcome(
    jobName: string,
    executionId: string | null,
    trigger: JobTrigger,
    status: JobRunOutcome['status'],
    durationMs: number,
    itemsProcessed: number,
    error: string | null,
    details: Record<string, unknown> | null,
  ): JobRunOutcome {
    return { jobName, executionId, trigger, status, durationMs, itemsProcessed, error, details };
  }

  /**
   * A history write of a claimed tick waits out a short database outage: given up at once, it would leave
   * a `running` row that the reaper later closes as a crashed process. The writes are keyed by execution
   * id and guarded by status, so a retry never writes twice.
   */
  private persist<T>(write: () => Promise<T>, budgetMs: number): Promise<T> {
    return retryWrite(write, {
      budgetMs,
      onRetry: (error, attempt) =>
        this.logger.warn({ msg: 'job history write failed; retrying', error: errorText(error), attempt }),
    });
  }

  private observeElsewhere(jobName: string): void {
    try {
      this.observer?.tickClaimedElsewhere(jobName);
    } catch (error) {
      this.logger.warn({ msg: 'job run observer failed', job: jobName, error: errorText(error) });
    }
  }

  private observe(outcome: JobRunOutcome, dueAt: Date | null, startedAt: Date): void {
    try {
      this.observer?.runFinished({ outcome, dueAt, startedAt });
    } catch (error) {
      this.logger.warn({ msg: 'job run observer failed', job: outcome.jobName, error: errorText(error) });
    }
  }
}

type Settled =
  | { kind: 'result'; result: JobResult }
  | { kind: 'error'; error: unknown }
  | { kind: 'aborted'; reason: unknown };

function abortedPromise(signal: AbortSignal): Promise<Settled> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve({ kind: 'aborted', reason: signal.reason });
    else
      signal.addEventListener('abort', () => resolve({ kind: 'aborted', reason: signal.reason }), {
        once: true,
      });
  });
}

// job_executions.error is shown by the admin API and the dashboard, outside the logs' masking: a driver or
// provider error quoting a lead's number is masked before it is stored (and before the cut, so half a
// number cannot slip through at the edge). Prisma's message opens with the call site and quotes our source
// lines, ending with the database's reason, which long compiled lines could push past the cut: only the
// reason is kept.
function errorText(error: unknown): string {
  const text = isPrismaError(error)
    ? driverMessage(error, Infinity)
    : error instanceof Error
      ? error.message || error.name
      : String(error);
  return maskPhonesInText(text).slice(0, ERROR_TEXT_LIMIT);
}
