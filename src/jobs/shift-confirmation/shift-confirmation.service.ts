import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { earlyStopDetails, wrapUpSignal } from '../../scheduler/job-wrap-up';
import { CONFIRMATION_DELAY_MS, SHIFT_CONFIRMATION_BATCH_SIZE } from './shift-confirmation.constants';
import { ShiftConfirmationRepository } from './shift-confirmation.repository';

/** Reserved shifts that ended more than 2 h ago (local time) are moved to pendente_confirmacao. */
@Injectable()
export class ShiftConfirmationService {
  constructor(
    private readonly repository: ShiftConfirmationRepository,
    private readonly config: AppConfig,
  ) {}

  async run(context: JobContext): Promise<JobResult> {
    const signal = wrapUpSignal(context);
    const endedBefore = new Date(context.clock.now().getTime() - CONFIRMATION_DELAY_MS);
    let moved = 0;
    let batches = 0;
    while (!signal.aborted) {
      const count = await this.repository.moveEndedShifts(
        endedBefore,
        this.config.SCHEDULER_TIMEZONE,
        SHIFT_CONFIRMATION_BATCH_SIZE,
      );
      moved += count;
      batches += 1;
      if (count < SHIFT_CONFIRMATION_BATCH_SIZE) break;
    }

    const withoutEnd = await this.repository.countWithoutEnd();
    if (withoutEnd > 0)
      context.logger.warn('reserved shifts without a date or end time were skipped', { skipped: withoutEnd });
    const stopped = earlyStopDetails(context);
    context.logger.info(signal.aborted ? 'shift confirmation stopped early' : 'shift confirmation finished', {
      moved,
      batches,
      skipped: withoutEnd,
      ...stopped,
    });
    return {
      itemsProcessed: moved,
      details: { moved, batches, skippedWithoutEnd: withoutEnd, ...stopped },
    };
  }
}
