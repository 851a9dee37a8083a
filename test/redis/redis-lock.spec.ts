import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { LockUnavailableError } from '../../src/redis/lock-unavailable.error';
import { RedisLockService } from '../../src/redis/redis-lock.service';
import { RedisService } from '../../src/redis/redis.service';
import { testConfig } from '../utils/test-config';
import { testRedisUrl } from '../utils/test-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisLockService (real Redis)', () => {
  const prefix = `test:locks:${randomBytes(4).toString('hex')}:`;
  const raw = new Redis(testRedisUrl, { lazyConnect: true });
  let redis: RedisService;
  let locks: RedisLockService;

  beforeAll(async () => {
    await raw.connect();
    redis = new RedisService(testConfig({ REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: prefix }));
    locks = new RedisLockService(redis);
    expect(await redis.waitUntilReady(5_000)).toBe(true);
    expect(redis.isReady()).toBe(true);
    expect(await redis.ping(2_000)).toBe(true);
  });

  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    await raw.quit();
    await redis.onApplicationShutdown();
  });

  it('lets only one of two acquirers of the same resource win', async () => {
    const [first, second] = await Promise.all([locks.acquire('race', 5_000), locks.acquire('race', 5_000)]);
    const winners = [first, second].filter((lock) => lock !== null);
    expect(winners).toHaveLength(1);
    expect(await locks.currentHolder('race')).toBe(winners[0]!.fencingToken);
    expect(await locks.release(winners[0]!)).toBe(true);
    expect(await locks.currentHolder('race')).toBeNull();
  });

  it('gives increasing fencing tokens across acquisitions', async () => {
    const tokens: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lock = (await locks.acquire('fence', 5_000))!;
      tokens.push(lock.fencingToken);
      expect(await locks.release(lock)).toBe(true);
    }
    expect(tokens.every(Number.isSafeInteger)).toBe(true);
    expect(tokens[1]).toBeGreaterThan(tokens[0]);
    expect(tokens[2]).toBeGreaterThan(tokens[1]);
  });

  it('keeps tokens increasing when the fence counter is lost (Redis restarted without persistence)', async () => {
    const before = (await locks.acquire('lost', 5_000))!;
    await locks.release(before);
    await raw.del(`${prefix}lock:lost:fence`);
    await sleep(5); // a real restart takes far longer than the clock's 1 ms step
    const after = (await locks.acquire('lost', 5_000))!;
    expect(after.fencingToken).toBeGreaterThan(before.fencingToken);
    await locks.release(after);
  });

  it('frees the lock when its TTL expires', async () => {
    expect(await locks.acquire('ttl', 150)).not.toBeNull();
    expect(await locks.acquire('ttl', 150)).toBeNull();
    await sleep(250);
    expect(await locks.currentHolder('ttl')).toBeNull();
    const again = await locks.acquire('ttl', 150);
    expect(again).not.toBeNull();
    await locks.release(again!);
  });

  it('renews the lease of its holder only', async () => {
    const held = (await locks.acquire('lease', 200))!;
    await sleep(120);
    expect(await locks.extend(held, 200)).toBe(true);
    await sleep(120); // past the first TTL: still held thanks to the renewal
    expect(await locks.currentHolder('lease')).toBe(held.fencingToken);
    await sleep(150);
    expect(await locks.extend(held, 200)).toBe(false); // expired: renewal refused, not resurrected
    const next = (await locks.acquire('lease', 5_000))!;
    expect(await locks.extend(held, 5_000)).toBe(false);
    expect(await locks.currentHolder('lease')).toBe(next.fencingToken);
    await locks.release(next);
  });

  it("refuses a release by a stale holder and keeps the new holder's lock", async () => {
    const stale = (await locks.acquire('stale', 100))!;
    await sleep(200);
    const current = (await locks.acquire('stale', 5_000))!;
    expect(current.fencingToken).toBeGreaterThan(stale.fencingToken);
    expect(await locks.release(stale)).toBe(false);
    expect(await locks.currentHolder('stale')).toBe(current.fencingToken);
    expect(await locks.release(current)).toBe(true);
    expect(await locks.release(current)).toBe(false);
  });

  it('answers a retry of an acquisition whose reply was lost with the lock it took, and nobody else', async () => {
    // the script ran but its reply never came (a dropped connection, the 5 s command timeout)
    const taken = (await locks.acquire('lost-reply', 5_000, 'attempt-1'))!;
    const retried = await locks.acquire('lost-reply', 5_000, 'attempt-1');
    expect(retried).toEqual(taken);
    expect(await locks.acquire('lost-reply', 5_000, 'attempt-2')).toBeNull();
    expect(await locks.acquire('lost-reply', 5_000)).toBeNull();
    expect(await locks.release(taken)).toBe(true);
    // once released, the old attempt id gives no claim on the next holder's lock
    const next = (await locks.acquire('lost-reply', 5_000, 'attempt-3'))!;
    expect(await locks.acquire('lost-reply', 5_000, 'attempt-1')).toBeNull();
    await locks.release(next);
  });

  it('keeps the keys under lock:* with the key prefix', async () => {
    const lock = (await locks.acquire('where', 5_000))!;
    expect((await raw.keys(`${prefix}lock:*`)).sort()).toEqual(
      expect.arrayContaining([`${prefix}lock:where`, `${prefix}lock:where:fence`]),
    );
    expect(await raw.get(`${prefix}lock:where`)).toBe(String(lock.fencingToken));
    const pttl = await raw.pttl(`${prefix}lock:where`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000);
    expect(await raw.keys(`${prefix}*`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^test:locks:[0-9a-f]+:lock:/)]),
    );
    expect((await raw.keys(`${prefix}*`)).every((key) => key.startsWith(`${prefix}lock:`))).toBe(true);
    await locks.release(lock);
  });

  it('rejects with LockUnavailableError while Redis cannot be reached', async () => {
    const down = new RedisService(testConfig({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: prefix }));
    const downLocks = new RedisLockService(down);
    try {
      const started = Date.now();
      await expect(downLocks.acquire('down', 1_000)).rejects.toThrow(LockUnavailableError);
      await expect(downLocks.release({ resource: 'down', fencingToken: 1 })).rejects.toThrow(/lock:down/);
      await expect(downLocks.currentHolder('down')).rejects.toThrow(LockUnavailableError);
      expect(await down.ping(500)).toBe(false);
      expect(down.isReady()).toBe(false);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await down.onApplicationShutdown();
    }
  });
});
