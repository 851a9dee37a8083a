import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { SyncBriefingService } from './sync-briefing.service';

/** Entry point of `sync_briefing`; the scheduler's runner is its only caller. */
@Injectable()
export class SyncBriefingWorker {
  constructor(private readonly briefing: SyncBriefingService) {}

  @Cron('0 * * * *', { name: JobNames.syncBriefing })
  run(context: JobContext): Promise<JobResult> {
    return this.briefing.run(context);
  }
}
