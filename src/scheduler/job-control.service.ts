import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { JobRegistry } from './job-registry';
import type { JobRunOutcome } from './job-run-outcome';
import { JobRunner, type RunOptions } from './job-runner';
import { JobStateRepository, type JobState } from './job-state.repository';

export interface JobOverview {
  name: string;
  schedule: string;
  nextRunAt: Date;
  paused: boolean;
  pausedAt: Date | null;
  pausedBy: string | null;
}

/** What operators do to jobs (admin API, `npm run job`): list, run now, pause, resume. */
@Injectable()
export class JobControlService {
  private readonly logger = new Logger('scheduler');

  constructor(
    private readonly registry: JobRegistry,
    private readonly runner: JobRunner,
    private readonly state: JobStateRepository,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<JobOverview[]> {
    const states = await this.state.all();
    const now = this.clock.now();
    return this.registry.list().map((job) => ({
      name: job.name,
      schedule: job.schedule.describe(),
      nextRunAt: job.schedule.nextAfter(now),
      ...pauseFields(states.get(job.name)),
    }));
  }

  /** Runs a job now through the runner (lock, history); a paused job runs too: the operator asked. */
  runNow(name: string, options: Omit<RunOptions, 'dueAt'> = { trigger: 'manual' }): Promise<JobRunOutcome> {
    return this.runner.run(name, options);
  }

  async pause(name: string, by: string): Promise<void> {
    const job = this.registry.get(name);
    await this.state.setPaused(job.name, true, by, this.clock.now());
    this.logger.log({ msg: 'job paused', job: job.name, by });
  }

  async resume(name: string, by: string): Promise<void> {
    const job = this.registry.get(name);
    await this.state.setPaused(job.name, false, by, this.clock.now());
    this.logger.log({ msg: 'job resumed', job: job.name, by });
  }
}

function pauseFields(state: JobState | undefined) {
  return {
    paused: state?.paused ?? false,
    pausedAt: state?.pausedAt ?? null,
    pausedBy: state?.pausedBy ?? null,
  };
}
