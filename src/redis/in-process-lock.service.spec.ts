import { InProcessLockService } from './in-process-lock.service';

describe('InProcessLockService', () => {
  let now: number;
  let locks: InProcessLockService;

  beforeEach(() => {
    now = 1_000;
    locks = new InProcessLockService(() => now);
  });

  it('lets only one of two acquirers of the same resource win', async () => {
    const [first, second] = await Promise.all([locks.acquire('job', 1_000), locks.acquire('job', 1_000)]);
    expect([first, second].filter((lock) => lock !== null)).toHaveLength(1);
    expect(await locks.acquire('other', 1_000)).not.toBeNull();
  });

  it('gives increasing fencing tokens across acquisitions', async () => {
    const tokens: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lock = await locks.acquire('job', 1_000);
      tokens.push(lock!.fencingToken);
      expect(await locks.currentHolder('job')).toBe(lock!.fencingToken);
      expect(await locks.release(lock!)).toBe(true);
    }
    expect(tokens[1]).toBeGreaterThan(tokens[0]);
    expect(tokens[2]).toBeGreaterThan(tokens[1]);
  });

  it('frees the lock when its TTL expires', async () => {
    await locks.acquire('job', 500);
    now += 499;
    expect(await locks.acquire('job', 500)).toBeNull();
    now += 1;
    expect(await locks.currentHolder('job')).toBeNull();
    expect(await locks.acquire('job', 500)).not.toBeNull();
  });

  it('renews the lease of its holder only', async () => {
    const held = (await locks.acquire('job', 500))!;
    now += 400;
    expect(await locks.extend(held, 500)).toBe(true);
    now += 400; // past the first TTL: still held thanks to the renewal
    expect(await locks.currentHolder('job')).toBe(held.fencingToken);
    now += 100;
    expect(await locks.extend(held, 500)).toBe(false);
    const next = (await locks.acquire('job', 500))!;
    expect(await locks.extend(held, 500)).toBe(false);
    expect(await locks.currentHolder('job')).toBe(next.fencingToken);
  });

  it('refuses a release by a stale holder and keeps the new holder', async () => {
    const stale = (await locks.acquire('job', 100))!;
    now += 100;
    const current = (await locks.acquire('job', 1_000))!;
    expect(current.fencingToken).toBeGreaterThan(stale.fencingToken);
    expect(await locks.release(stale)).toBe(false);
    expect(await locks.currentHolder('job')).toBe(current.fencingToken);
    expect(await locks.release(current)).toBe(true);
    expect(await locks.release(current)).toBe(false);
  });

  it('keeps tokens above the clock, so a restarted process outranks older tokens', async () => {
    const before = (await locks.acquire('job', 10))!;
    const restarted = new InProcessLockService(() => now + 1);
    expect((await restarted.acquire('job', 10))!.fencingToken).toBeGreaterThan(before.fencingToken);
  });

  it('refuses a TTL that is not a positive number', async () => {
    await expect(locks.acquire('job', 0)).rejects.toThrow(RangeError);
    await expect(locks.acquire('job', Number.NaN)).rejects.toThrow(RangeError);
  });
});
