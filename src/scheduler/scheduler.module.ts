import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobCommand } from './job-command';
import { JobControlService } from './job-control.service';
import { JobExplorer } from './job-explorer';
import { JobHistoryPruneWorker } from './job-history-prune.worker';
import { JobHistoryRepository } from './job-history.repository';
import { JobRegistry } from './job-registry';
import { DEFAULT_LOCK_LEASE_MS, JOB_LOCK_LEASE_MS, JobRunner } from './job-runner';
import { JobScheduler } from './job-scheduler';
import { JobStateRepository } from './job-state.repository';
import { OrphanReaper } from './orphan-reaper';

/**
 * Discovers every @Cron/@Interval method and owns what happens on each tick. @nestjs/schedule's
 * ScheduleModule is deliberately not imported: its decorators only leave metadata for JobExplorer.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    JobRegistry,
    JobExplorer,
    JobRunner,
    { provide: JOB_LOCK_LEASE_MS, useValue: DEFAULT_LOCK_LEASE_MS },
    JobScheduler,
    JobControlService,
    JobCommand,
    JobHistoryRepository,
    JobStateRepository,
    OrphanReaper,
    JobHistoryPruneWorker,
  ],
  exports: [JobRegistry, JobRunner, JobScheduler, JobControlService, JobCommand],
})
export class SchedulerModule {}
