import { FencedLockService } from './fenced-lock.service';
import { InProcessLockService } from './in-process-lock.service';
import { LockUnavailableError } from './lock-unavailable.error';
import { LockService, type LockHandle } from './lock.service';

/** Redis: it can be down, and a restart forgets every lock:* key. */
class RestartingRedis extends LockService {
  down = false;
  private store = new InProcessLockService();

  restart(): void {
    this.store = new InProcessLockService();
  }
  async acquire(resource: string, ttlMs: number): Promise<LockHandle | null> {
    if (this.down) throw new LockUnavailableError('acquire', resource, new Error('ECONNREFUSED'));
    return this.store.acquire(resource, ttlMs);
  }
  release(lock: LockHandle): Promise<boolean> {
    return this.store.release(lock);
  }
  extend(lock: LockHandle, ttlMs: number): Promise<boolean> {
    return this.store.extend(lock, ttlMs);
  }
  currentHolder(resource: string): Promise<number | null> {
    return this.store.currentHolder(resource);
  }
}

describe('FencedLockService', () => {
  function locks() {
    const redis = new RestartingRedis();
    const postgres = new InProcessLockService();
    return { redis, postgres, fenced: new FencedLockService(redis, postgres) };
  }

  it('holds the Redis lock and the PostgreSQL lease together, with the Redis fencing token', async () => {
    const { redis, postgres, fenced } = locks();
    const lock = (await fenced.acquire('job:a', 1_000))!;
    expect(lock.fencingToken).toBe(await redis.currentHolder('job:a'));
    expect(await postgres.currentHolder('job:a')).not.toBeNull();
    expect(await fenced.extend(lock, 1_000)).toBe(true);
    expect(await fenced.release(lock)).toBe(true);
    expect([await redis.currentHolder('job:a'), await postgres.currentHolder('job:a')]).toEqual([null, null]);
  });

  it('refuses a second holder after Redis forgot the lock, and leaves no Redis key behind', async () => {
    const { redis, fenced } = locks();
    const first = (await fenced.acquire('job:a', 1_000))!;
    redis.restart();
    expect(await fenced.acquire('job:a', 1_000)).toBeNull();
    expect(await redis.currentHolder('job:a')).toBeNull();
    // the first run learns it lost its Redis key, but keeps the lease while it winds down
    expect(await fenced.extend(first, 1_000)).toBe(false);
    expect(await fenced.acquire('job:a', 1_000)).toBeNull();
    await fenced.release(first);
    expect(await fenced.acquire('job:a', 1_000)).not.toBeNull();
  });

  it('refuses while a process without Redis holds the lease in PostgreSQL', async () => {
    const { postgres, fenced } = locks();
    const cli = (await postgres.acquire('job:a', 1_000))!;
    expect(await fenced.acquire('job:a', 1_000)).toBeNull();
    await postgres.release(cli);
    expect(await fenced.acquire('job:a', 1_000)).not.toBeNull();
  });

  it('gets its lease back on a retry after the PostgreSQL answer was lost, instead of finding it held', async () => {
    const { redis, postgres } = locks();
    let replyLost = false;
    const losing = Object.create(postgres) as InProcessLockService;
    losing.acquire = async (resource: string, ttlMs: number, attempt?: string) => {
      const lease = await postgres.acquire(resource, ttlMs, attempt);
      if (replyLost) return lease;
      replyLost = true;
      throw new LockUnavailableError('acquire', resource, new Error('Connection terminated unexpectedly'));
    };
    const fenced = new FencedLockService(redis, losing);
    await expect(fenced.acquire('job:a', 1_000, 'try-1')).rejects.toBeInstanceOf(LockUnavailableError);
    const lock = (await fenced.acquire('job:a', 1_000, 'try-1'))!;
    expect(lock).not.toBeNull();
    expect(await fenced.acquire('job:a', 1_000, 'try-2')).toBeNull();
    await fenced.release(lock);
    expect([await redis.currentHolder('job:a'), await postgres.currentHolder('job:a')]).toEqual([null, null]);
  });

  it('fails closed while Redis is down', async () => {
    const { redis, postgres, fenced } = locks();
    redis.down = true;
    await expect(fenced.acquire('job:a', 1_000)).rejects.toBeInstanceOf(LockUnavailableError);
    expect(await postgres.currentHolder('job:a')).toBeNull();
  });
});
