import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessLockService } from '../../src/redis/in-process-lock.service';
import { LockUnavailableError } from '../../src/redis/lock-unavailable.error';
import { LockService, type LockHandle } from '../../src/redis/lock.service';
import { JOB_LOCK_LEASE_MS, JobRunner } from '../../src/scheduler/job-runner';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext } from '../utils/test-context';
import { overlapCountingJob } from './overlap-counting-job';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

const JOB = 'lease_expiry_overlap';
const LEASE_MS = 900; // renewed every 300 ms, as the real 30 s lease every 10 s
const COMMAND_TIMEOUT_MS = 250; // RedisService's commandTimeout (5 s) scaled like the lease

const { fleet, job: OverlapJob, module: OverlapJobModule } = overlapCountingJob(JOB, 3000);

/** Replica A's view of the shared lock store while it is cut off from it: renewals time out. */
class PartitionedLocks extends LockService {
  partitioned = false;
  constructor(private readonly store: LockService) {
    super();
  }
  acquire(resource: string, ttlMs: number) {
    return this.store.acquire(resource, ttlMs);
  }
  release(lock: LockHandle) {
    return this.store.release(lock);
  }
  async extend(lock: LockHandle, ttlMs: number): Promise<boolean> {
    if (!this.partitioned) return this.store.extend(lock, ttlMs);
    await sleep(COMMAND_TIMEOUT_MS); // ioredis: "Command timed out"
    throw new LockUnavailableError('extend', lock.resource, new Error('Command timed out'));
  }
  currentHolder(resource: string) {
    return this.store.currentHolder(resource);
  }
}

// README: "a run whose lease ... could not be renewed for a whole lease (Redis down), is aborted rather
// than risk two replicas running the same job"; CONTRACT §2: a run "never overlaps itself". JobRunner.
// keepLeased only checks the lease in the *error callback* of a renewal, and measures it from when the last
// good renewal *answered*: a renewal that times out (ioredis commandTimeout 5 s) reports after the lease has
// already expired in Redis, so for up to a command timeout another replica holds the lock and runs the job
// while this one has not even been told to stop.
describe('a replica cut off from the lock store while its run holds the lock', () => {
  let db: TestDatabase;
  const contexts: INestApplicationContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('lease_expiry');
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await db.drop();
  });

  async function replica(locks: LockService) {
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: 'lease-expiry:',
    });
    const context = await createSchedulerContext(config, [OverlapJobModule], undefined, [
      { provide: LockService, useValue: locks },
      { provide: JOB_LOCK_LEASE_MS, useValue: LEASE_MS },
    ]);
    contexts.push(context);
    return { runner: context.get(JobRunner), job: context.get(OverlapJob) };
  }

  it('is told to stop before its lease can expire, so another replica never runs the job beside it', async () => {
    const store = new InProcessLockService(); // the shared Redis
    const aLocks = new PartitionedLocks(store);
    const a = await replica(aLocks);
    const b = await replica(store);

    const first = a.runner.run(JOB, { trigger: 'manual' });
    while (a.job.starts === 0) await sleep(5);
    aLocks.partitioned = true; // from now on A cannot reach the lock store; B can

    // B tries the job as its ticks would, until it runs
    let second: Awaited<ReturnType<JobRunner['run']>>;
    for (;;) {
      second = await b.runner.run(JOB, { trigger: 'manual' });
      if (second.status !== 'skipped') break;
      await sleep(20);
    }
    const firstOutcome = await first;

    await b.runner.drain(5_000);

    expect(firstOutcome.error).toMatch(/lock was not renewed/);
    expect(second.status).toBe('success'); // B did run it, once A's lease was gone
    expect(fleet.maxActive).toBe(1); // ... but never while A's copy was still running
  }, 30_000);
});
