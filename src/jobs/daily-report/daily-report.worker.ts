import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { DailyReportService } from './daily-report.service';

/** Entry point of `daily_report`; the scheduler's runner is its only caller. */
@Injectable()
export class DailyReportWorker {
  constructor(private readonly report: DailyReportService) {}

  @Cron('0 8 * * 1-5', { name: JobNames.dailyReport })
  run(context: JobContext): Promise<JobResult> {
    return this.report.run(context);
  }
}
