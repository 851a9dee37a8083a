import { Injectable, Module } from '@nestjs/common';
import { Cron, Interval } from '@nestjs/schedule';
import type { JobContext, JobResult } from '../../src/scheduler/job.types';
import { IntervalFromConfig } from '../../src/scheduler/schedule-from-config.decorator';

/** A gate a test opens to let a waiting job finish. */
export class Gate {
  private opened!: () => void;
  readonly promise = new Promise<void>((resolve) => (this.opened = resolve));
  open(): void {
    this.opened();
  }
}

/** Jobs whose behaviour the scheduler tests control. */
@Injectable()
export class TestJobs {
  readonly calls: Array<{ job: string; trigger: string; executionId: string; dueAt?: Date }> = [];
  gate = new Gate();

  @Cron('0 * * * *', { name: 'test_hourly' })
  async hourly(context: JobContext): Promise<JobResult> {
    this.calls.push({
      job: context.jobName,
      trigger: context.trigger,
      executionId: context.executionId,
      dueAt: context.dueAt,
    });
    return { itemsProcessed: 1 };
  }

  @Cron('0 8 * * 1-5', { name: 'test_morning' })
  async morning(context: JobContext): Promise<JobResult> {
    this.calls.push({ job: context.jobName, trigger: context.trigger, executionId: context.executionId });
    return { itemsProcessed: 1, details: { local_hour: 8 } };
  }

  /** waits for the gate, or stops when aborted */
  @Interval('test_gated', 3_600_000)
  async gated(context: JobContext): Promise<JobResult> {
    this.calls.push({ job: context.jobName, trigger: context.trigger, executionId: context.executionId });
    await Promise.race([
      this.gate.promise,
      new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true })),
    ]);
    return { itemsProcessed: context.signal.aborted ? 0 : 2 };
  }

  /** works in units of 50 ms until told the service is stopping, then returns what it did */
  @Interval('test_batches', 3_600_000)
  async batches(context: JobContext): Promise<JobResult> {
    this.calls.push({ job: context.jobName, trigger: context.trigger, executionId: context.executionId });
    let units = 0;
    while (!context.stopping.aborted && units < 1_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      units++;
    }
    return { itemsProcessed: units, details: { aborted: context.signal.aborted } };
  }

  /** ignores its abort signal: only the gate ends it */
  @Interval('test_stubborn', 3_600_000)
  async stubborn(context: JobContext): Promise<JobResult> {
    this.calls.push({ job: context.jobName, trigger: context.trigger, executionId: context.executionId });
    await this.gate.promise;
    return { itemsProcessed: 3 };
  }

  @Interval('test_failing', 3_600_000)
  async failing(context: JobContext): Promise<JobResult> {
    this.calls.push({ job: context.jobName, trigger: context.trigger, executionId: context.executionId });
    throw new Error('provider said no '.repeat(60));
  }

  @Interval('test_fast', 200)
  async fast(context: JobContext): Promise<JobResult> {
    this.calls.push({ job: context.jobName, trigger: context.trigger, executionId: context.executionId });
    return { itemsProcessed: 1 };
  }

  @Interval('test_configured', 3_600_000)
  @IntervalFromConfig((config) => config.QUEUE_POLL_INTERVAL * 1000)
  async configured(): Promise<JobResult> {
    return { itemsProcessed: 0 };
  }

  countOf(job: string): number {
    return this.calls.filter((call) => call.job === job).length;
  }
}

@Module({ providers: [TestJobs], exports: [TestJobs] })
export class TestJobsModule {}
