import { Injectable, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { CAMPAIGN_EXPIRY_MS, CAMPAIGN_TIPOS, RUN_BUDGET_SHARE, STUCK_MARGIN_MS } from './fila.constants';
import type { ClaimedMessage } from './claimed-message';
import { ClaimObserver } from './claim-observer';
import { FilaHealth } from './fila-health';
import { FilaRepository } from './fila.repository';
import { FilaSenderService } from './fila-sender.service';

/** One poll of the queue: housekeeping, then claim and send while batches come back full. */
@Injectable()
export class FilaService {
  constructor(
    private readonly repository: FilaRepository,
    private readonly sender: FilaSenderService,
    private readonly health: FilaHealth,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Optional() private readonly claimObserver?: ClaimObserver,
  ) {}

  private claim(limit: number): Promise<ClaimedMessage[]> {
    const started = performance.now();
    const claimed = this.repository.claim(limit, this.clock.now());
    claimed
      .then(() => this.claimObserver?.claimFinished((performance.now() - started) / 1000))
      .catch(() => undefined); // awaited by the loop; not an unhandled rejection meanwhile
    return claimed;
  }

  async processQueue(context: JobContext): Promise<JobResult> {
    const budget = AbortSignal.timeout(Math.floor(this.config.jobTimeoutMs * RUN_BUDGET_SHARE));
    const signal = AbortSignal.any([context.signal, budget]);
    const counts: Record<string, number> = {};
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

    const batchSize = this.config.QUEUE_BATCH_SIZE;
    let batches = 0;
    let pausedBecause: string | null = null;
    let next = this.claim(batchSize);
    for (;;) {
      const batch = await next;
      if (!batch.length) break;
      batches++;
      // The next batch is claimed while this one is sent. Claimed rows carry no send-started mark, so if
      // this replica dies they are simply requeued by the reaper; nothing can be sent twice.
      const more = batch.length === batchSize && !signal.aborted;
      next = more ? this.claim(batchSize) : Promise.resolve([]);
      const report = await this.sender.process(batch, signal, context.logger);
      for (const outcome of report.outcomes) counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1;
      pausedBecause = report.pausedBecause;
      if (pausedBecause || signal.aborted) {
        const unsent = await next;
        if (unsent.length)
          await this.sender.release(unsent, pausedBecause ? 'sending_paused' : 'interrupted');
        counts.released = (counts.released ?? 0) + unsent.length;
        break;
      }
    }
    this.health.recordPoll(pausedBecause);
    return {
      itemsProcessed: counts.sent ?? 0,
      details: {
        ...counts,
        batches,
        reclaimed,
        campaigns_expired: expired,
        ...(pausedBecause ? { paused: pausedBecause } : {}),
        ...(budget.aborted && !context.signal.aborted ? { run_budget_spent: true } : {}),
      },
    };
  }
}
