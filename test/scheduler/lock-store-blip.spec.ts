import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessLockService } from '../../src/redis/in-process-lock.service';
import { LockUnavailableError } from '../../src/redis/lock-unavailable.error';
import { LockService, type LockHandle } from '../../src/redis/lock.service';
import { JobRegistry } from '../../src/scheduler/job-registry';
import { JobScheduler } from '../../src/scheduler/job-scheduler';
import { FakeClock } from '../utils/fake-clock';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { TestJobs, TestJobsModule } from '../scheduler/test-jobs';

/** The shared lock store (Redis) restarting: every call fails for `downMs`, as ioredis does while reconnecting. */
class BlippingLocks extends InProcessLockService {
  private downUntil = 0;

  blip(downMs: number): void {
    this.downUntil = Date.now() + downMs;
  }

  async acquire(resource: string, ttlMs: number): Promise<LockHandle | null> {
    if (Date.now() < this.downUntil)
      throw new LockUnavailableError('acquire', resource, new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    return super.acquire(resource, ttlMs);
  }
}

// CONTRACT §2: each scheduled run happens once; §5: nothing but rate limits and locks lives in Redis and
// losing Redis loses nothing. SPEC: a tick is `skipped` only when it "finds its job still running"; a missed
// run is caught up. But a tick that meets the lock store restarting (a 2 s Redis blip at 08:00:00) is
// recorded as `skipped` ("lock service unavailable") and is gone for good: JobRunner.run does not retry the
// lock, the tick's due time is claimed (unique row) and jobs_agendados.ultimo_vencimento_em already says it
// ran, so neither this replica nor a restart's catch-up ever runs it. daily_report / retomada_fora_horario
// (`0 8 * * 1-5`) then do not run until the next weekday.
describe('a weekday 08:00 tick that meets a 2 s lock-store blip', () => {
  let db: TestDatabase;
  const contexts: INestApplicationContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('lock_store_blip');
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await db.drop();
  });

  async function replica(locks: LockService, clock: FakeClock) {
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: 'lock-store-blip:',
    });
    const context = await createSchedulerContext(config, [TestJobsModule], clock, [
      { provide: LockService, useValue: locks },
    ]);
    contexts.push(context);
    return {
      jobs: context.get(TestJobs),
      scheduler: context.get(JobScheduler),
      registry: context.get(JobRegistry),
    };
  }

  it('still runs that day (once the lock store answers again, or on the next start-up), not skipped for good', async () => {
    const dueAt = new Date('2026-03-02T11:00:00Z'); // Monday 08:00 in São Paulo
    const clock = new FakeClock('2026-03-02T11:00:00.050Z');
    await db.sql.query(
      `INSERT INTO jobs_agendados (job_name, ultimo_vencimento_em) VALUES ('test_morning', '2026-02-27T11:00:00Z')`,
    );
    const locks = new BlippingLocks();
    const a = await replica(locks, clock);

    locks.blip(2_000);
    await a.scheduler.runDueTick(a.registry.get('test_morning'), dueAt);
    await sleep(4_000); // the lock store is back; give a retry every chance
    await a.scheduler.idle();

    // and a replica (re)starting a minute later, within the catch-up window
    clock.set('2026-03-02T11:01:00Z');
    const b = await replica(locks, clock);
    await b.scheduler.catchUp();
    await b.scheduler.idle();

    const { rows } = await db.sql.query(
      `SELECT status, trigger, error FROM job_executions WHERE job_name = 'test_morning' ORDER BY started_at`,
    );
    const ran = a.jobs.countOf('test_morning') + b.jobs.countOf('test_morning');
    expect({ ran, rows }).toEqual({
      ran: 1,
      rows: expect.arrayContaining([expect.objectContaining({ status: 'success' })]),
    });
  }, 30_000);
});
