import { Injectable, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import type { JobLogger } from '../../scheduler/job-logger';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { earlyStopDetails, wrapUpSignal } from '../../scheduler/job-wrap-up';
import {
  CAMPAIGN_EXPIRY_MS,
  CAMPAIGN_TIPOS,
  RUN_BUDGET_SHARE,
  SEND_LANES,
  STUCK_MARGIN_MS,
} from './fila.constants';
import { ClaimObserver } from './claim-observer';
import { FilaRepository } from './fila.repository';
import { FilaSenderService } from './fila-sender.service';
import { LaneShares } from './lane-shares';
import type { OutcomeWriter } from './outcome.writer';
import { NOTHING_CLAIMED, type PreparedBatch } from './prepared-batch';

/** One poll of the queue: housekeeping, then claim and send while batches come back full. */
@Injectable()
export class FilaService {
  constructor(
    private readonly repository: FilaRepository,
    private readonly sender: FilaSenderService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Optional() private readonly claimObserver?: ClaimObserver,
  ) {}

  /**
   * Claims the next batch and screens it (while the one before is being sent). With `operatorPause`, a
   * claim that finds nothing asks whether an operator paused process_queue, and if so aborts it: the batch
   * being sent then stops after its wave in flight, as on shutdown.
   */
  private async claimAndPrepare(
    limit: number,
    operatorPause: AbortController | null,
  ): Promise<PreparedBatch> {
    const started = performance.now();
    const claimed = await this.repository.claim(limit, this.clock.now(), {
      unlessPaused: operatorPause !== null,
    });
    this.claimObserver?.claimFinished((performance.now() - started) / 1000);
    if (operatorPause && claimed.length === 0 && (await this.repository.queuePause()) !== null)
      operatorPause.abort(new Error('process_queue paused by an operator'));
    return this.sender.prepare(claimed);
  }

  /**
   * The next batch, claimed ahead. It is awaited only after the current batch is sent; a claim that fails
   * meanwhile (the database restarting) must not count as an unhandled rejection, which ends the process.
   */
  private claimAhead(limit: number, operatorPause: AbortController | null): Promise<PreparedBatch> {
    const next = this.claimAndPrepare(limit, operatorPause);
    next.catch(() => undefined);
    return next;
  }

  async processQueue(context: JobContext): Promise<JobResult> {
    // read again at the end of the run (`budget.aborted`), which keeps it alive: AbortSignal.any alone holds
    // it weakly on Node 20, and a garbage collection would lose it (see common/deadline.ts)
    const budget = AbortSignal.timeout(Math.floor(this.config.jobTimeoutMs * RUN_BUDGET_SHARE));
    // an operator's pause stops a scheduled run at its next claim; a run the operator asked for goes on
    const operatorPause =
      context.trigger === 'schedule' || context.trigger === 'catch_up' ? new AbortController() : null;
    // shutdown or pause: the wave in flight finishes and is recorded, the rest goes back to pendente untouched
    const signal = AbortSignal.any([
      wrapUpSignal(context),
      budget,
      ...(operatorPause ? [operatorPause.signal] : []),
    ]);
    const now = this.clock.now();
    const reclaimed = await this.repository.reclaimStuck(
      new Date(now.getTime() - this.config.jobTimeoutMs - STUCK_MARGIN_MS),
      now,
    );
    if (reclaimed.requeued + reclaimed.deadLettered + reclaimed.unknown > 0)
      context.logger.warn('reclaimed messages left in processando by a dead replica', { ...reclaimed });
    const expired = await this.repository.cancelExpiredCampaigns(
      CAMPAIGN_TIPOS,
      new Date(now.getTime() - CAMPAIGN_EXPIRY_MS),
      now,
    );

    // a lane that fails stops the others the way a shutdown would: their waves in flight finish and are recorded
    const laneFailed = new AbortController();
    const run: LaneRun = {
      batches: 0,
      pausedBecause: null,
      writers: [],
      shares: new LaneShares(this.config.WORKER_CONCURRENCY),
      signal: AbortSignal.any([signal, laneFailed.signal]),
      operatorPause,
      logger: context.logger,
    };
    let secondLane: Promise<void> | undefined;
    const startLane = (index: number): Promise<void> => {
      run.shares.join(index);
      const writer = this.sender.openWriter(context.logger);
      run.writers.push(writer);
      const backlog = () => {
        if (secondLane !== undefined || index + 1 >= SEND_LANES || !run.shares.canSplit) return;
        secondLane = startLane(index + 1);
        // awaited once the first lane is done: a failure meanwhile must not count as an unhandled rejection
        secondLane.catch(() => undefined);
      };
      // the others are stopped before this lane leaves: they must not take its share of WORKER_CONCURRENCY
      // for a new wave while its last wave's mark may be left unsettled
      return this.sendLane({ index, writer, backlog }, run)
        .catch((error: unknown) => {
          laneFailed.abort();
          throw error;
        })
        .finally(() => run.shares.leave(index));
    };
    // the second lane starts (from the first) before the first lane's first wave, or never
    const lanesDone = await Promise.allSettled([startLane(0)]);
    if (secondLane !== undefined) lanesDone.push(...(await Promise.allSettled([secondLane])));
    const failed = lanesDone.find((lane) => lane.status === 'rejected');
    if (failed) throw failed.reason;
    const counts: Record<string, number> = {};
    for (const writer of run.writers)
      for (const [outcome, n] of Object.entries(writer.counts()))
        counts[outcome] = (counts[outcome] ?? 0) + n;
    const pausedByOperator = operatorPause?.signal.aborted ?? false;
    if (pausedByOperator) context.logger.warn('process_queue paused by an operator: the run stopped sending');
    return {
      itemsProcessed: counts.sent ?? 0,
      details: {
        ...counts,
        batches: run.batches,
        reclaimed,
        campaigns_expired: expired,
        ...(run.pausedBecause ? { paused: run.pausedBecause } : {}),
        ...(pausedByOperator ? { paused_by_operator: true } : {}),
        ...(budget.aborted && !context.signal.aborted ? { run_budget_spent: true } : {}),
        ...earlyStopDetails(context),
      },
    };
  }

  /**
   * One lane: claims batches while they come back full and sends them, writing through its own writer.
   * The next batch is claimed and screened while this one is sent. Its rows carry no send-started mark and
   * no rate-limit reservation, so if this replica dies the reaper simply requeues them. A full batch says
   * there is a backlog (`backlog` may then open a second lane, see SEND_LANES).
   */
  private async sendLane({ index, writer, backlog }: Lane, run: LaneRun): Promise<void> {
    const { signal, operatorPause, logger } = run;
    const batchSize = this.config.QUEUE_BATCH_SIZE;
    let next = this.claimAhead(batchSize, operatorPause);
    try {
      for (;;) {
        const batch = await next;
        if (!batch.size) break;
        run.batches++;
        const more = batch.size === batchSize && !signal.aborted && run.pausedBecause === null;
        if (more) backlog();
        next = more ? this.claimAhead(batchSize, operatorPause) : Promise.resolve(NOTHING_CLAIMED);
        const pausedBecause = await this.sender.send(batch, writer, signal, logger, () =>
          run.shares.waveSize(index),
        );
        run.pausedBecause ??= pausedBecause;
        if (pausedBecause || signal.aborted) {
          this.sender.abandon(await next, writer, pausedBecause ? 'rate_limiter_unavailable' : 'interrupted');
          break;
        }
      }
      await writer.flush();
    } catch (error) {
      // Best effort, the lane has failed: what was decided is written, a batch claimed ahead goes back.
      await next.then((unsent) => this.sender.abandon(unsent, writer, 'interrupted')).catch(() => undefined);
      await writer.flush().catch(() => undefined);
      throw error;
    }
  }
}

/** What a run's lanes share. */
interface LaneRun {
  batches: number;
  /** why sending paused (the rate limiter unreachable), as the first lane to find it said */
  pausedBecause: string | null;
  /** each lane's */
  writers: OutcomeWriter[];
  readonly shares: LaneShares;
  /** the run's wrap-up signal, and a failed lane's */
  readonly signal: AbortSignal;
  readonly operatorPause: AbortController | null;
  readonly logger: JobLogger;
}

interface Lane {
  readonly index: number;
  readonly writer: OutcomeWriter;
  /** called on a full batch: may open the next lane */
  readonly backlog: () => void;
}
