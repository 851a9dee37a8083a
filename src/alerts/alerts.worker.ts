import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import type { JobContext, JobResult } from '../scheduler/job.types';
import { CHECK_ALERTS_INTERVAL_MS, CHECK_ALERTS_JOB } from './alerts.constants';
import { AlertsService } from './alerts.service';

/** check_alerts: the SPEC alert rules, every minute. */
@Injectable()
export class AlertsWorker {
  constructor(private readonly alerts: AlertsService) {}

  @Interval(CHECK_ALERTS_JOB, CHECK_ALERTS_INTERVAL_MS)
  run(context: JobContext): Promise<JobResult> {
    return this.alerts.check(context);
  }
}
