import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessLockService } from '../../src/redis/in-process-lock.service';
import { LockService, type LockHandle } from '../../src/redis/lock.service';
import { JobRegistry } from '../../src/scheduler/job-registry';
import { JobScheduler } from '../../src/scheduler/job-scheduler';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { Gate, TestJobs, TestJobsModule } from './test-jobs';

/** Locks whose acquire waits for a gate: a slow round trip while a tick is handed to the runner. */
class SlowToAcquireLocks extends InProcessLockService {
  readonly gate = new Gate();
  acquiring = false;

  async acquire(resource: string, ttlMs: number): Promise<LockHandle | null> {
    this.acquiring = true;
    await this.gate.promise;
    return super.acquire(resource, ttlMs);
  }
}

describe('scheduler start-up and shutdown at the edges', () => {
  let db: TestDatabase;
  const contexts: INestApplicationContext[] = [];
  const prefix = testRedisPrefix('scheduler_boot');

  beforeAll(async () => {
    db = await createTestDatabase('scheduler_boot');
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => undefined)));
    await db.sql.query('TRUNCATE job_executions, jobs_agendados');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('starts while Redis is down, even with an old `running` row for the reaper to ask the lock service about', async () => {
    const orphan = await db.sql.query<{ id: string }>(
      `INSERT INTO job_executions (job_name, status, started_at, fencing_token)
       VALUES ('test_hourly', 'running', now() - interval '1 hour', 1) RETURNING id`,
    );
    const context = await createSchedulerContext(
      testConfig({ DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: prefix }),
      [TestJobsModule],
    );
    contexts.push(context);
    const scheduler = context.get(JobScheduler);
    await expect(scheduler.start()).resolves.toBeUndefined();
    expect(scheduler.isRunning()).toBe(true);
    // the row waits for the next reap, once the lock service answers (other rows are ticks the scheduler
    // claimed meanwhile, e.g. test_fast every 200 ms, `running` until their lock attempt fails)
    const { rows } = await db.sql.query(`SELECT status FROM job_executions WHERE id = $1`, [
      orphan.rows[0].id,
    ]);
    expect(rows).toEqual([{ status: 'running' }]);
  });

  it('a tick still being handed to the runner when shutdown begins runs before close() resolves: not lost, no orphan', async () => {
    const locks = new SlowToAcquireLocks();
    const context = await createSchedulerContext(
      testConfig({
        DATABASE_URL: db.url,
        REDIS_URL: testRedisUrl,
        REDIS_KEY_PREFIX: prefix,
        SHUTDOWN_GRACE_PERIOD: '5',
      }),
      [TestJobsModule],
      undefined,
      [{ provide: LockService, useValue: locks }],
    );
    const jobs = context.get(TestJobs);
    const job = context.get(JobRegistry).get('test_hourly');
    // the timer fired just before SIGTERM: the due time is claimed, the run not started yet
    const tick = context.get(JobScheduler).runDueTick(job, new Date('2026-03-02T13:00:00Z'));
    while (!locks.acquiring) await sleep(5);

    let closed = false;
    const closing = context.close().then(() => (closed = true));
    await sleep(200);
    expect(closed).toBe(false);
    locks.gate.open();
    await closing;
    await tick;

    expect(jobs.countOf('test_hourly')).toBe(1);
    const { rows } = await db.sql.query(`SELECT status FROM job_executions WHERE job_name = 'test_hourly'`);
    expect(rows).toEqual([{ status: 'success' }]);
  });
});
