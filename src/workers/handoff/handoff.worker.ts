import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { HandoffService } from './handoff.service';

/** Entry point of `handoff_processor`; the scheduler's runner is its only caller. */
@Injectable()
export class HandoffWorker {
  constructor(private readonly handoffs: HandoffService) {}

  @Cron('*/5 * * * *', { name: JobNames.handoffProcessor })
  run(context: JobContext): Promise<JobResult> {
    return this.handoffs.run(context);
  }
}
