import type { Clock } from '../../common/clock';
import { localWeekStart } from '../../common/local-week';
import type { AppConfig } from '../../config/app-config';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { driverMessage } from '../../database/driver-message';
import { isWriteConflict } from '../../database/write-conflict';
import { retryWrite } from '../../database/write-retry';
import type { JobLogger } from '../../scheduler/job-logger';
import type { FilaMetrics } from './fila-metrics';
import { STUCK_MARGIN_MS } from './fila.constants';
import type { FilaRepository, StartedSend } from './fila.repository';
import type { MessageOutcome } from './message-outcome';

/** A wave marked as started: the mark's time, and the sends left out because their lead opted out. */
export interface StartedWave {
  readonly startedAt: Date;
  readonly optedOut: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Writes one run's outcomes. A wave's final statuses are held until the next wave is marked as started
 * and go in that same statement: one database round trip per wave, and still never more than one wave
 * whose sends may have begun without their outcome written, because the two writes are one transaction.
 */
export class OutcomeWriter {
  private pending: MessageOutcome[] = [];
  /** marks of waves whose outcomes are all pending: they end with the next statement */
  private openMarks: string[] = [];
  /** the earliest claim among the rows of the pending outcomes */
  private pendingClaimedAt = Number.POSITIVE_INFINITY;
  private readonly written: Record<string, number> = {};

  constructor(
    private readonly repository: FilaRepository,
    private readonly metrics: FilaMetrics,
    private readonly providerName: string,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly logger?: JobLogger,
  ) {}

  /** Outcomes to write with the next statement; `claimedAt` is the earliest claim of their rows. */
  add(outcomes: readonly MessageOutcome[], claimedAt: Date): void {
    if (!outcomes.length) return;
    this.pending.push(...outcomes);
    this.pendingClaimedAt = Math.min(this.pendingClaimedAt, claimedAt.getTime());
  }

  /**
   * Writes what is pending and the send-started mark of `sends`, in one statement, before they go out;
   * resolves to the mark's time, which their outcomes carry, and to the sends whose lead has opted out
   * since screening: they are not marked and must not go.
   */
  startSends(sends: readonly StartedSend[], claimedAt: Date): Promise<StartedWave> {
    return this.write(sends, Math.min(this.pendingClaimedAt, claimedAt.getTime()));
  }

  async flush(): Promise<void> {
    await this.write([], this.pendingClaimedAt);
  }

  /** how many messages came to each outcome, of those written so far */
  counts(): Readonly<Record<string, number>> {
    return this.written;
  }

  private async write(sends: readonly StartedSend[], earliestClaim: number): Promise<StartedWave> {
    const outcomes = this.pending;
    const settledMarks = this.openMarks;
    const now = this.clock.now();
    if (!outcomes.length && !settledMarks.length && !sends.length) return { startedAt: now, optedOut: NONE };
    const weekStart = localWeekStart(now, this.config.SCHEDULER_TIMEZONE);
    const { mark, optedOut } = await this.throughOutagesAndDeadlocks(earliestClaim, () =>
      this.repository.record(outcomes, settledMarks, sends, now, weekStart),
    );
    this.pending = [];
    this.pendingClaimedAt = Number.POSITIVE_INFINITY;
    this.openMarks = mark === null ? [] : [mark];
    for (const outcome of outcomes) this.written[outcome.kind] = (this.written[outcome.kind] ?? 0) + 1;
    this.metrics.recordOutcomes(this.providerName, outcomes);
    return { startedAt: now, optedOut: optedOut.length ? new Set(optedOut) : NONE };
  }

  /**
   * A write of what already happened (sends started, sends done) waits out a short database outage, and
   * runs again when PostgreSQL rolled it back in a deadlock (its lead updates can meet another writer of
   * the same leads): left undone, the rows would sit in `processando` until the reaper, which can only
   * requeue them with an attempt counted or call a delivered message's outcome unknown. The statement can
   * run twice (it writes only rows still `processando`). It gives up halfway through the reaper's margin,
   * so it never lands on a row the reaper has already handed to another replica.
   */
  private throughOutagesAndDeadlocks<T>(earliestClaim: number, write: () => Promise<T>): Promise<T> {
    const reaperMayTakeAt = earliestClaim + this.config.jobTimeoutMs + STUCK_MARGIN_MS;
    return retryWrite(write, {
      budgetMs: reaperMayTakeAt - STUCK_MARGIN_MS / 2 - this.clock.now().getTime(),
      retryIf: (error) => isDatabaseUnavailable(error) || isWriteConflict(error),
      onRetry: (error, attempt) =>
        this.logger?.warn('database write failed; retrying', { error: driverMessage(error), attempt }),
    });
  }
}
