import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobControlService } from '../scheduler/job-control.service';
import { JobAliases } from '../scheduler/job-names';
import { JobRegistry } from '../scheduler/job-registry';
import type { JobRunOutcome } from '../scheduler/job-run-outcome';
import { AdminJobsRepository, type ExecutionRow } from './admin-jobs.repository';
import type { PageQuery } from './admin.schemas';

export interface JobView {
  name: string;
  schedule: string;
  next_run_at: string;
  paused: boolean;
  paused_at: string | null;
  paused_by: string | null;
  last_run: ExecutionRow | null;
}

export type RunNowAnswer = { finished: true; outcome: JobRunOutcome } | { finished: false; job: string };

/** Jobs as the admin API shows and drives them; every run goes through JobControlService → JobRunner. */
@Injectable()
export class AdminJobsService {
  private readonly logger = new Logger('admin');

  constructor(
    private readonly registry: JobRegistry,
    private readonly control: JobControlService,
    private readonly repository: AdminJobsRepository,
  ) {}

  async list(): Promise<JobView[]> {
    const jobs = await this.control.list();
    const lastRuns = await this.repository.lastRuns(jobs.map((job) => job.name));
    return jobs.map((job) => ({
      name: job.name,
      schedule: job.schedule,
      next_run_at: job.nextRunAt.toISOString(),
      paused: job.paused,
      paused_at: job.pausedAt?.toISOString() ?? null,
      paused_by: job.pausedBy,
      last_run: lastRuns.get(job.name) ?? null,
    }));
  }

  /**
   * Starts a manual run and waits up to `waitSeconds` for it; a longer run goes on in the background. Who
   * asked is logged: the run's history row says only `manual`.
   */
  async runNow(name: string, waitSeconds: number, by: string): Promise<RunNowAnswer> {
    const job = this.known(name);
    this.logger.log({ msg: 'job run requested', job, by });
    const run = this.control.runNow(job, { trigger: 'manual' });
    const finished = run.then((outcome) => ({ finished: true as const, outcome }));
    finished.catch((error: unknown) =>
      this.logger.error({ msg: 'manual run failed to start', job, error: String(error) }),
    );
    const timeout = sleep(waitSeconds * 1000, { finished: false as const, job }, { ref: false });
    return Promise.race([finished, timeout]);
  }

  async pause(name: string, by: string): Promise<void> {
    await this.control.pause(this.known(name), by);
  }

  async resume(name: string, by: string): Promise<void> {
    await this.control.resume(this.known(name), by);
  }

  history(name: string, page: PageQuery) {
    return this.repository.history(this.known(name), page);
  }

  /** the canonical name (aliases accepted), or 404 listing the valid names, aliases too (as npm run job does) */
  known(name: string): string {
    if (!this.registry.has(name))
      throw new NotFoundException(`unknown job "${name}"; valid names: ${this.validNames().join(', ')}`);
    return this.registry.get(name).name;
  }

  private validNames(): string[] {
    const names = this.registry.names();
    return [...names, ...Object.keys(JobAliases).filter((alias) => names.includes(JobAliases[alias]))];
  }
}
