import { Injectable, Logger as NestLogger, Module, type INestApplicationContext } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Logger } from 'nestjs-pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrismaService } from '../../src/database/prisma.service';
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
  constructor(
    private readonly notifier: Notifier,
    private readonly prisma: PrismaService,
  ) {}

  @Interval('test_notifying_job', 3_600_000)
  async run(context: JobContext): Promise<JobResult> {
    // two statements at once: the pool opens a connection for the second one during the run
    await Promise.all([
      this.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.05)`,
      this.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.05)`,
    ]);
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

  it('leave a pooled connection’s later failure out of the run that opened it', async () => {
    const dropConnections = () =>
      db.sql.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
    const connectionFailures = async () => {
      const failures = () =>
        capture.lines.filter((line) => /database connection failed/.test(line.msg ?? ''));
      for (const deadline = Date.now() + 5_000; failures().length === 0 && Date.now() < deadline;)
        await sleep(50);
      await sleep(300); // every pooled connection reports its own
      return failures();
    };
    // the pool starts empty, so the run opens its own connection, which then waits idle in the pool
    await dropConnections();
    await connectionFailures();
    const outcome = await context.get(JobRunner).run('test_notifying_job', { trigger: 'manual' });
    expect(outcome.status).toBe('success');
    capture.clear();
    await dropConnections();
    const failures = await connectionFailures();
    expect(failures.length).toBeGreaterThanOrEqual(2); // the runner's and the one the run opened
    for (const failed of failures) {
      expect(failed).not.toHaveProperty('job');
      expect(failed).not.toHaveProperty('execution_id');
    }
  });

  it('leave lines written outside a run alone', () => {
    capture.clear();
    new NestLogger('notifications').log('idle');
    expect(capture.lines[0]).not.toHaveProperty('job');
  });
});
