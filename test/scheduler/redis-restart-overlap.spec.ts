import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { JOB_LOCK_LEASE_MS, JobRunner } from '../../src/scheduler/job-runner';
import type { JobRunOutcome } from '../../src/scheduler/job-run-outcome';
import { PrivateRedis } from '../utils/private-redis';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext } from '../utils/test-context';
import { overlapCountingJob } from './overlap-counting-job';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

const JOB = 'redis_restart_overlap';
const LEASE_MS = 3_000; // renewed every 1 s (the real one: 30 s, every 10 s)

const { fleet, job: CountingJob, module: CountingJobModule } = overlapCountingJob(JOB, 4000);

// CONTRACT §2: a run "never overlaps itself"; §5: Redis may restart and lose everything under lock:*.
// A Redis restart deletes lock:job:<name>. The holder only learns it at its next renewal (up to leaseMs/3 =
// 10 s later); meanwhile any other replica's tick or manual run acquires the free key and starts the job
// beside the run still in progress. The fencing token is stored in job_executions but nothing consults it
// (nor the `running` row) before a run starts, so nothing fences the second run out.
describe('Redis restarting while a run holds its lock', () => {
  let db: TestDatabase;
  const redis = new PrivateRedis();
  const contexts: INestApplicationContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('redis_restart_overlap');
    await redis.start();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await redis.dispose();
    await db.drop();
  });

  async function replica() {
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'redis-restart-overlap:',
    });
    const context = await createSchedulerContext(config, [CountingJobModule], undefined, [
      { provide: JOB_LOCK_LEASE_MS, useValue: LEASE_MS },
    ]);
    contexts.push(context);
    return { runner: context.get(JobRunner), job: context.get(CountingJob) };
  }

  it('another replica does not start the job while the first run is still going', async () => {
    const a = await replica();
    const b = await replica();
    const first = a.runner.run(JOB, { trigger: 'manual' });
    while (a.job.starts === 0) await sleep(5);

    await redis.stop(); // crash: the lock key is gone with it
    await redis.start();

    // B's ticks keep trying, as they would every QUEUE_POLL_INTERVAL
    let second: JobRunOutcome | undefined;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      second = await b.runner.run(JOB, { trigger: 'manual' });
      if (second.status !== 'skipped') break;
      await sleep(50);
    }
    await first;

    expect(second?.status).toBe('success'); // B ran it, at some point
    expect(fleet.maxActive).toBe(1); // ... but never beside A's run
  }, 40_000);
});
