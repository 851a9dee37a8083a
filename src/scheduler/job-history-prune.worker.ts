import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobHistoryRepository } from './job-history.repository';
import { JobNames } from './job-names';
import type { JobContext, JobResult } from './job.types';
import { earlyStopDetails, wrapUpSignal } from './job-wrap-up';

const RETENTION_DAYS = 30;
const BATCH_SIZE = 5_000;

/** `job_executions` keeps 30 days of history. */
@Injectable()
export class JobHistoryPruneWorker {
  constructor(private readonly history: JobHistoryRepository) {}

  @Cron('17 3 * * *', { name: JobNames.pruneJobHistory })
  async run(context: JobContext): Promise<JobResult> {
    const before = new Date(context.clock.now().getTime() - RETENTION_DAYS * 86_400_000);
    const deleted = await this.history.pruneStartedBefore(before, BATCH_SIZE, wrapUpSignal(context));
    return {
      itemsProcessed: deleted,
      details: { retention_days: RETENTION_DAYS, before: before.toISOString(), ...earlyStopDetails(context) },
    };
  }
}
