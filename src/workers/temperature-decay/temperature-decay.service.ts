import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { earlyStopDetails, wrapUpSignal } from '../../scheduler/job-wrap-up';
import { localDate } from '../../common/local-time';
import { localWeekStart } from '../../common/local-week';
import { CHURN_AFTER_MS, FIRST_LEAD_ID, TEMPERATURE_DECAY_PAGE_SIZE } from './temperature-decay.constants';
import { LeadBatch, TemperatureDecayRepository } from './temperature-decay.repository';

interface DecayCounts {
  decayed: number;
  reactivated: number;
  churned: number;
  weeklyReset: number;
  pages: number;
}

/**
 * Hourly lead maintenance: the weekly contact counter, cooling-off expiry, churn, and the temperature
 * decay over every lead, page by page (keyset on id, so every row is reached, not the same first N).
 */
@Injectable()
export class TemperatureDecayService {
  constructor(
    private readonly repository: TemperatureDecayRepository,
    private readonly config: AppConfig,
    @Inject(TEMPERATURE_DECAY_PAGE_SIZE) private readonly pageSize: number,
  ) {}

  async run(context: JobContext): Promise<JobResult> {
    const signal = wrapUpSignal(context);
    const now = context.clock.now();
    const counts: DecayCounts = { decayed: 0, reactivated: 0, churned: 0, weeklyReset: 0, pages: 0 };

    // The short maintenance goes first so a long decay cut by JOB_TIMEOUT never starves it.
    const timeZone = this.config.SCHEDULER_TIMEZONE;
    const weekStart = localWeekStart(now, timeZone);
    const isMonday = localDate(now, timeZone) === weekStart;
    counts.weeklyReset = await this.inBatches(signal, (afterId, limit) =>
      this.repository.startWeek(weekStart, isMonday, afterId, limit),
    );
    counts.reactivated = await this.inBatches(signal, (afterId, limit) =>
      this.repository.reactivateCoolingOff(now, afterId, limit),
    );
    const churnCutoff = new Date(now.getTime() - CHURN_AFTER_MS);
    counts.churned = await this.inBatches(signal, (afterId, limit) =>
      this.repository.churnInactive(churnCutoff, afterId, limit),
    );

    let afterId = FIRST_LEAD_ID;
    while (!signal.aborted) {
      const page = await this.repository.decayPage(afterId, this.pageSize, now);
      counts.pages += 1;
      counts.decayed += page.decayed;
      if (page.lastId === null || page.scanned < this.pageSize) break;
      afterId = page.lastId;
    }

    const stopped = earlyStopDetails(context);
    context.logger.info(signal.aborted ? 'temperature decay stopped early' : 'temperature decay finished', {
      ...counts,
      ...stopped,
    });
    return { itemsProcessed: counts.decayed, details: { ...counts, ...stopped } };
  }

  /** Walks the leads by id in bounded batches until one comes back short; stops between batches when aborted. */
  private async inBatches(
    signal: AbortSignal,
    step: (afterId: string, limit: number) => Promise<LeadBatch>,
  ): Promise<number> {
    let total = 0;
    let afterId = FIRST_LEAD_ID;
    while (!signal.aborted) {
      const batch = await step(afterId, this.pageSize);
      total += batch.changed;
      if (batch.lastId === null || batch.selected < this.pageSize) break;
      afterId = batch.lastId;
    }
    return total;
  }
}
