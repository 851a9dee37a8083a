import { Injectable } from '@nestjs/common';
import { JobScheduler } from '../scheduler/job-scheduler';

export interface SchedulerCheck {
  readonly status: 'up' | 'down';
  readonly state: 'running' | 'stopped';
}

/** A replica whose scheduler is not ticking runs no job: that is a failure worth a restart. */
@Injectable()
export class SchedulerHealthIndicator {
  constructor(private readonly scheduler: JobScheduler) {}

  check(): SchedulerCheck {
    return this.scheduler.isRunning()
      ? { status: 'up', state: 'running' }
      : { status: 'down', state: 'stopped' };
  }
}
