import { LockHandle, LockService } from './lock.service';

interface FencedHandle extends LockHandle {
  /** the PostgreSQL lease taken with the Redis lock */
  readonly fence: LockHandle;
}

/**
 * Redis locks fenced by PostgreSQL, for REDIS_URL with DATABASE_URL. A lock is the Redis key (`lock:*`,
 * its fencing token the handle's) and a `job_locks` lease on the same resource, taken after it and renewed
 * and released with it. Redis forgets its locks when it restarts, and a process without REDIS_URL
 * (`npm run job` from a shell) locks in job_locks only: the lease in PostgreSQL keeps either from
 * starting a job beside a run in progress. Redis down still fails closed, as with Redis alone.
 */
export class FencedLockService extends LockService {
  constructor(
    private readonly redis: LockService,
    private readonly postgres: LockService,
  ) {
    super();
  }

  async acquire(resource: string, ttlMs: number, attempt?: string): Promise<LockHandle | null> {
    const lock = await this.redis.acquire(resource, ttlMs, attempt);
    if (lock === null) return null;
    let fence: LockHandle | null;
    try {
      fence = await this.postgres.acquire(resource, ttlMs, attempt);
    } catch (error) {
      await this.redis.release(lock).catch(() => false);
      throw error;
    }
    if (fence === null) {
      // the run holding the lease lost its Redis key (a Redis restart) or locked without Redis
      await this.redis.release(lock).catch(() => false);
      return null;
    }
    const fenced: FencedHandle = { ...lock, fence };
    return fenced;
  }

  async release(lock: LockHandle): Promise<boolean> {
    const [released] = await Promise.all([this.redis.release(lock), this.postgres.release(fenceOf(lock))]);
    return released;
  }

  /** Both are renewed even when one is lost, so a run still winding down keeps others out. */
  async extend(lock: LockHandle, ttlMs: number): Promise<boolean> {
    const [held, fenced] = await Promise.all([
      this.redis.extend(lock, ttlMs),
      this.postgres.extend(fenceOf(lock), ttlMs),
    ]);
    return held && fenced;
  }

  async currentHolder(resource: string): Promise<number | null> {
    return (await this.redis.currentHolder(resource)) ?? (await this.postgres.currentHolder(resource));
  }
}

function fenceOf(lock: LockHandle): LockHandle {
  return (lock as FencedHandle).fence;
}
