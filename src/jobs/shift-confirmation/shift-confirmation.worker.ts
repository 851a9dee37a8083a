import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { ShiftConfirmationService } from './shift-confirmation.service';

/** Entry point of `shift_confirmation`; the scheduler's runner is its only caller. */
@Injectable()
export class ShiftConfirmationWorker {
  constructor(private readonly confirmation: ShiftConfirmationService) {}

  @Cron('*/30 * * * *', { name: JobNames.shiftConfirmation })
  run(context: JobContext): Promise<JobResult> {
    return this.confirmation.run(context);
  }
}
