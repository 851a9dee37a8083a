import { PrismaPg } from '@prisma/adapter-pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/utils/test-database';
import { PrismaService } from '../database/prisma.service';
import { LockUnavailableError } from './lock-unavailable.error';
import { PostgresLockService } from './postgres-lock.service';

describe('PostgresLockService (real PostgreSQL)', () => {
  let db: TestDatabase;
  const clients: PrismaService[] = [];

  /** one process's lock service: its own Prisma client on the shared database */
  function processOn(url: string): PostgresLockService {
    const prisma = new PrismaService(new PrismaPg({ connectionString: url }));
    clients.push(prisma);
    return new PostgresLockService(prisma);
  }
  /** the lease of `resource` runs out now, as if its TTL had passed */
  const leaseEnds = (resource: string) =>
    db.sql.query(`UPDATE job_locks SET expires_at = now() - interval '1 millisecond' WHERE resource = $1`, [
      resource,
    ]);

  let a: PostgresLockService;
  let b: PostgresLockService;

  beforeAll(async () => {
    db = await createTestDatabase('postgres_locks');
    a = processOn(db.url);
    b = processOn(db.url);
  });
  afterEach(() => db.sql.query('TRUNCATE job_locks'));
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()));
    await db.drop();
  });

  it('lets only one of many processes acquiring at once win', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 ? a : b).acquire('job:x', 30_000)),
    );
    expect(attempts.filter((lock) => lock !== null)).toHaveLength(1);
    expect(await a.acquire('job:other', 30_000)).not.toBeNull();
  });

  it('gives increasing fencing tokens, never below the clock in ms, and names the holder', async () => {
    const tokens: number[] = [];
    for (const locks of [a, b, a]) {
      const lock = (await locks.acquire('job:x', 30_000))!;
      tokens.push(lock.fencingToken);
      expect(await b.currentHolder('job:x')).toBe(lock.fencingToken);
      expect(await locks.release(lock)).toBe(true);
      expect(await a.currentHolder('job:x')).toBeNull();
    }
    expect(tokens[0]).toBeGreaterThanOrEqual(Date.now() - 60_000);
    expect(tokens[1]).toBeGreaterThan(tokens[0]);
    expect(tokens[2]).toBeGreaterThan(tokens[1]);
  });

  it('frees a lock whose holder died once its lease has run out', async () => {
    const dead = (await a.acquire('job:x', 30_000))!;
    expect(await b.acquire('job:x', 30_000)).toBeNull();
    await leaseEnds('job:x');
    const next = (await b.acquire('job:x', 30_000))!;
    expect(next.fencingToken).toBeGreaterThan(dead.fencingToken);
  });

  it('renews the lease of its holder only', async () => {
    const held = (await a.acquire('job:x', 30_000))!;
    expect(await a.extend(held, 30_000)).toBe(true);
    await leaseEnds('job:x');
    expect(await a.extend(held, 30_000)).toBe(false);
    const next = (await b.acquire('job:x', 30_000))!;
    expect(await a.extend(held, 30_000)).toBe(false);
    expect(await a.currentHolder('job:x')).toBe(next.fencingToken);
  });

  it('refuses a release by a stale holder and keeps the new holder', async () => {
    const stale = (await a.acquire('job:x', 30_000))!;
    await leaseEnds('job:x');
    const current = (await b.acquire('job:x', 30_000))!;
    expect(await a.release(stale)).toBe(false);
    expect(await a.currentHolder('job:x')).toBe(current.fencingToken);
    expect(await b.release(current)).toBe(true);
    expect(await b.release(current)).toBe(false);
  });

  it('answers a retry of an acquisition whose reply was lost with the lease it took, and nobody else', async () => {
    // the statement committed but its answer never came (the connection dropped)
    const taken = (await a.acquire('job:x', 30_000, 'attempt-1'))!;
    expect(await a.acquire('job:x', 30_000, 'attempt-1')).toEqual(taken);
    expect(await b.acquire('job:x', 30_000, 'attempt-2')).toBeNull();
    expect(await b.acquire('job:x', 30_000)).toBeNull();
    expect(await a.release(taken)).toBe(true);
    const next = (await b.acquire('job:x', 30_000, 'attempt-3'))!;
    expect(next.fencingToken).toBeGreaterThan(taken.fencingToken);
    expect(await a.acquire('job:x', 30_000, 'attempt-1')).toBeNull();
  });

  it('gives up within seconds, as unavailable, on a lease row another session holds locked', async () => {
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await a.acquire('job:x', 30_000);
      // an operator's psql left in a transaction after touching the lease (or a migration on the table)
      await blocker.query('BEGIN');
      await blocker.query(`UPDATE job_locks SET expires_at = now() WHERE resource = 'job:x'`);
      const started = Date.now();
      const outcome = await Promise.race([
        b.acquire('job:x', 30_000).then(
          () => 'answered',
          (error: unknown) => error,
        ),
        sleep(9_000).then(() => 'still waiting'),
      ]);
      expect(outcome).toBeInstanceOf(LockUnavailableError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
      // the skipped run's reason, in job_executions, the log and npm run job's output: one line, the
      // driver's words, not Prisma's call-site preamble
      expect((outcome as Error).message).toMatch(
        /^lock service unavailable: acquire lock:job:x failed: [^\n]*canceling statement due to statement timeout[^\n]*$/,
      );
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  }, 20_000);

  it('says the lock store is unavailable when the database does not answer', async () => {
    const unreachable = processOn('postgresql://postgres@127.0.0.1:1/nowhere');
    await expect(unreachable.acquire('job:x', 30_000)).rejects.toThrow(LockUnavailableError);
    await expect(unreachable.currentHolder('job:x')).rejects.toThrow(
      /^lock service unavailable: read lock:job:x/,
    );
  });
});
