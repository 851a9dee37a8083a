import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { PilotModeService } from './pilot-mode.service';

/** Entry point of `pilot_mode`; the scheduler's runner is its only caller. */
@Injectable()
export class PilotModeWorker {
  constructor(private readonly pilot: PilotModeService) {}

  @Cron('*/15 * * * *', { name: JobNames.pilotMode })
  run(context: JobContext): Promise<JobResult> {
    return this.pilot.run(context);
  }
}
