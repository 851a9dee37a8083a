import { Injectable, Logger as NestLogger, Module, type INestApplicationContext } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Logger } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoggingModule } from '../../src/logging/logging.module';
import { JobRunner } from '../../src/scheduler/job-runner';
import type { JobContext, JobResult } from '../../src/scheduler/job.types';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { LineCapture } from './line-capture';

/** What a run calls logs through its own logger, as the Slack notifier and the WhatsApp providers do. */
@Injectable()
class Notifier {
  private readonly logger = new NestLogger('notifications');

  async post(): Promise<void> {
    await sleep(5);
    this.logger.error({ msg: 'slack post failed', error: 'Slack answered 500' });
  }
}

@Injectable()
class NotifyingJob {
  constructor(private readonly notifier: Notifier) {}

  @Interval('test_notifying_job', 3_600_000)
  async run(context: JobContext): Promise<JobResult> {
    context.logger.info('report built');
    await this.notifier.post();
    return { itemsProcessed: 1 };
  }
}

@Module({ providers: [Notifier, NotifyingJob] })
class NotifyingModule {}

describe('the lines written during a run (CONTRACT §8: job and execution_id on job lines)', () => {
  const capture = new LineCapture();
  let db: TestDatabase;
  let context: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase('job_log_fields');
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('job-log-fields'),
      LOG_LEVEL: 'info',
    });
    context = await createSchedulerContext(config, [
      LoggingModule.forRoot(config, { destination: capture }),
      NotifyingModule,
    ]);
    context.useLogger(context.get(Logger));
  });
  afterAll(async () => {
    await context?.close();
    await db?.drop();
  });

  it('carry job and execution_id, also when another part of the service writes them', async () => {
    capture.clear();
    const outcome = await context.get(JobRunner).run('test_notifying_job', { trigger: 'manual' });
    const fields = { job: 'test_notifying_job', execution_id: outcome.executionId };
    expect(capture.find((line) => line.msg === 'report built')).toMatchObject(fields);
    expect(capture.find((line) => line.msg === 'slack post failed')).toMatchObject({
      ...fields,
      level: 'ERROR',
      context: 'notifications',
    });
    // written once, not once by the job's logger and again by the run's context
    const jobLine = capture.raw.find((line) => line.includes('"report built"')) ?? '';
    expect(jobLine.match(/"execution_id"/g)).toHaveLength(1);
  });

  it('leave lines written outside a run alone', () => {
    capture.clear();
    new NestLogger('notifications').log('idle');
    expect(capture.lines[0]).not.toHaveProperty('job');
  });
});
