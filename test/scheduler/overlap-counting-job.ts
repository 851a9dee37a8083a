import { Injectable, Module, type Type } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import type { JobContext, JobResult } from '../../src/scheduler/job.types';

export interface OverlapCounting {
  /** copies of the job running right now, across every replica of the test (one process) */
  readonly fleet: { active: number; maxActive: number };
  /** the job's class, to count its starts on one replica: `context.get(job).starts` */
  readonly job: Type<{ starts: number }>;
  readonly module: Type<unknown>;
}

/**
 * A job `name` that runs for `runMs` or stops as soon as it is told to (the best case), and counts how
 * many copies run at once: two replicas overlapping show as `fleet.maxActive` 2.
 */
export function overlapCountingJob(name: string, runMs: number): OverlapCounting {
  const fleet = { active: 0, maxActive: 0 };

  @Injectable()
  class CountingJob {
    starts = 0;

    @Interval(name, 3_600_000)
    async run(context: JobContext): Promise<JobResult> {
      this.starts++;
      fleet.active++;
      fleet.maxActive = Math.max(fleet.maxActive, fleet.active);
      try {
        await new Promise<void>((resolve) => {
          if (context.signal.aborted) return resolve();
          context.signal.addEventListener('abort', () => resolve(), { once: true });
          setTimeout(resolve, runMs);
        });
        return { itemsProcessed: 1 };
      } finally {
        fleet.active--;
      }
    }
  }

  @Module({ providers: [CountingJob], exports: [CountingJob] })
  class CountingJobModule {}

  return { fleet, job: CountingJob, module: CountingJobModule };
}
