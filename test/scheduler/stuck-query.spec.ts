import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Client } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrismaService } from '../../src/database/prisma.service';
import { JobRunner } from '../../src/scheduler/job-runner';
import type { JobContext, JobResult } from '../../src/scheduler/job.types';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { within } from '../utils/within';

const JOB = 'test_stuck_query';
const ROW = 'stuck_query_row';

/** one ordinary Prisma statement, honouring nothing else: what most handlers' queries are */
@Injectable()
class RowLockJob {
  constructor(private readonly prisma: PrismaService) {}

  @Interval(JOB, 3_600_000)
  async run(_context: JobContext): Promise<JobResult> {
    await this.prisma.$executeRaw`UPDATE jobs_agendados SET pausado = pausado WHERE job_name = ${ROW}`;
    return { itemsProcessed: 1 };
  }
}

@Module({ providers: [RowLockJob] })
class RowLockJobModule {}

describe('a job stuck in a database statement (a row lock held by another session)', () => {
  let db: TestDatabase;
  let blocker: Client;
  let context: INestApplicationContext | undefined;
  let closing: Promise<void> | undefined;
  const prefix = testRedisPrefix('stuck_query');

  beforeAll(async () => {
    db = await createTestDatabase('scheduler_stuck_query');
    await db.sql.query(`INSERT INTO jobs_agendados (job_name) VALUES ($1)`, [ROW]);
  });
  beforeEach(async () => {
    // an operator's psql session left `idle in transaction` on the row the job updates
    blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM jobs_agendados WHERE job_name = $1 FOR UPDATE`, [ROW]);
  });
  afterEach(async () => {
    await blocker.query('ROLLBACK').catch(() => undefined);
    await blocker.end().catch(() => undefined);
    await (closing ?? context?.close())?.catch(() => undefined);
    context = closing = undefined;
  });
  afterAll(async () => {
    await db?.drop();
  });

  const open = async (env: Record<string, string>): Promise<JobRunner> => {
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: prefix,
      ...env,
    });
    context = await createSchedulerContext(config, [RowLockJobModule]);
    return context.get(JobRunner);
  };

  const waitingOnLock = async (): Promise<boolean> => {
    const { rows } = await db.sql.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'whats-workers' AND wait_event_type = 'Lock'`,
      [db.name],
    );
    return rows[0].n > 0;
  };

  it('is `timeout` at JOB_TIMEOUT, and its statement is cancelled soon after: the next run takes the lock', async () => {
    const runner = await open({ JOB_TIMEOUT: '1' });

    const first = await runner.run(JOB, { trigger: 'manual' });
    expect(first.status).toBe('timeout');

    // the statement timeout (JOB_TIMEOUT plus a margin) ends the first run's wait, which frees the job lock
    const second = await runner.run(JOB, { trigger: 'manual', waitForLockMs: 10_000 });
    expect(second.status).toBe('timeout'); // it ran (the row is still locked), it was not `skipped`

    await blocker.query('ROLLBACK');
    const third = await runner.run(JOB, { trigger: 'manual', waitForLockMs: 10_000 });
    expect(third.status).toBe('success');
  }, 30_000);

  it('close() (SIGTERM) with a run stuck in a statement finishes within the grace period plus a few seconds', async () => {
    // a statement timeout far away: only shutdown's own bounds can end close() in time
    const runner = await open({ JOB_TIMEOUT: '120', SHUTDOWN_GRACE_PERIOD: '1' });
    const run = runner.run(JOB, { trigger: 'manual' });
    while (!(await waitingOnLock())) await sleep(50);

    closing = context!.close();
    // grace (1 s) + the runner's wait for aborted runs (5 s) + the bounded disconnect, well inside Railway's 40 s
    await within(closing, 15_000, 'close() while a statement waits on a row lock');
    expect((await run).status).toBe('error'); // aborted after the grace period
  }, 30_000);
});
