import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockService, type LockHandle } from '../redis/lock.service';
import { LOCK_UNAVAILABLE_PREFIX, LockUnavailableError } from '../redis/lock-unavailable.error';
import type { JobLogger } from './job-logger';
import { tickRetryBudgetMs } from './tick-retry-budget';
import { JobLockLostError } from './job-timeout.error';

const LOCK_POLL_MS = 250;
const STORE_RETRY_MAX_BACKOFF_MS = 2_000;
// A run that cannot renew is aborted this share of the lease before the lease it last renewed ends, so
// its handler has stopped before another replica can take the lock.
const ABORT_MARGIN_SHARE = 1 / 6;

export interface LeaseRequest {
  readonly jobName: string;
  readonly periodMs: number;
  /** how long to wait for a run elsewhere to finish (default: no wait) */
  readonly waitMs: number;
  /** shutdown: stop asking a lock store that does not answer */
  readonly stopping: AbortSignal;
}

export interface HeldLease {
  readonly handle: LockHandle;
  /** when the lease ends at the latest, by this process's clock (counted from when it was asked for) */
  readonly leasedUntil: number;
}

export type LeaseAttempt =
  | HeldLease
  /** the job is running elsewhere, or the lock store did not answer */
  | { readonly handle: null; readonly reason: string };

/**
 * A run's lock as a short lease: taken before the run, renewed while its handler runs (even past its
 * deadline, so a run that ignores its abort signal still excludes a second one), released after it.
 * A replica killed with -9 blocks its jobs for one lease, not for JOB_TIMEOUT.
 */
export class JobLease {
  private readonly logger = new Logger('scheduler');

  constructor(
    private readonly locks: LockService,
    readonly leaseMs: number,
  ) {}

  /**
   * Waits up to `waitMs` for a run elsewhere to finish, and a little longer for a lock store that does not
   * answer to come back; the handle is null when neither happened in time.
   */
  async acquire({ jobName, periodMs, waitMs, stopping }: LeaseRequest): Promise<LeaseAttempt> {
    const started = Date.now();
    const heldDeadline = started + waitMs;
    const unavailableDeadline = started + Math.max(waitMs, tickRetryBudgetMs(periodMs));
    let backoff = LOCK_POLL_MS;
    // one id for every try: a try whose answer was lost may have taken the lock, which the next one gets
    const attempt = randomUUID();
    for (;;) {
      let pause = LOCK_POLL_MS;
      const askedAt = Date.now();
      try {
        const handle = await this.locks.acquire(`job:${jobName}`, this.leaseMs, attempt);
        if (handle) return { handle, leasedUntil: askedAt + this.leaseMs };
        if (stopping.aborted || Date.now() >= heldDeadline)
          return { handle: null, reason: await this.heldReason(jobName) };
      } catch (error) {
        const reason = unavailableReason(error);
        if (stopping.aborted || Date.now() + backoff > unavailableDeadline) return { handle: null, reason };
        this.logger.debug({ msg: 'lock store unavailable; asking again', job: jobName, error: reason });
        pause = backoff;
        backoff = Math.min(backoff * 2, STORE_RETRY_MAX_BACKOFF_MS);
      }
      await sleep(pause, undefined, { signal: stopping }).catch(() => undefined);
    }
  }

  /**
   * Renews the lease while the handler runs. If the lock was taken over, or could not be renewed in time
   * (Redis down or not answering), another replica may start this job: the run is aborted rather than
   * overlap. "In time" counts from when the last good renewal was sent, not when it answered (a renewal
   * may answer only at its 5 s command timeout, after the store dropped the lease), less a margin.
   */
  keepRenewed(
    { handle, leasedUntil }: HeldLease,
    controller: AbortController,
    logger: JobLogger,
  ): () => void {
    const margin = this.leaseMs * ABORT_MARGIN_SHARE;
    const abortBefore = (until: number) =>
      setTimeout(() => controller.abort(new JobLockLostError('not renewed')), until - margin - Date.now());
    let lapse = abortBefore(leasedUntil);
    let renewing = false;
    const timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      const sentAt = Date.now();
      this.locks
        .extend(handle, this.leaseMs)
        .then(
          (held) => {
            if (!held) return controller.abort(new JobLockLostError('taken over'));
            clearTimeout(lapse);
            lapse = abortBefore(sentAt + this.leaseMs);
          },
          (error: unknown) => logger.warn('could not renew the job lock', { error: errorText(error) }),
        )
        .finally(() => (renewing = false));
    }, this.leaseMs / 3);
    return () => {
      clearInterval(timer);
      clearTimeout(lapse);
    };
  }

  async release(lock: LockHandle): Promise<void> {
    try {
      await this.locks.release(lock);
    } catch (error) {
      // the lock expires by itself; a failed release only delays the next run
      this.logger.warn({ msg: 'could not release job lock', job: lock.resource, error: errorText(error) });
    }
  }

  private async heldReason(jobName: string): Promise<string> {
    const holder = await this.locks.currentHolder(`job:${jobName}`).catch(() => null);
    return `already running (lock held${holder === null ? '' : `, fencing token ${holder}`})`;
  }
}

function unavailableReason(error: unknown): string {
  return error instanceof LockUnavailableError
    ? error.message // it already says "lock service unavailable"
    : `${LOCK_UNAVAILABLE_PREFIX}: ${errorText(error)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
