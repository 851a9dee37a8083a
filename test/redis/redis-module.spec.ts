import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { FencedLockService } from '../../src/redis/fenced-lock.service';
import { InProcessLockService } from '../../src/redis/in-process-lock.service';
import { LockService } from '../../src/redis/lock.service';
import { PostgresLockService } from '../../src/redis/postgres-lock.service';
import { RedisLockService } from '../../src/redis/redis-lock.service';
import { RedisModule } from '../../src/redis/redis.module';
import { RedisService } from '../../src/redis/redis.service';
import { testConfig } from '../utils/test-config';
import { createTestDatabase, testRedisUrl } from '../utils/test-database';

async function boot(env: Record<string, string>) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(testConfig(env)), RedisModule],
  }).compile();
  return moduleRef.init();
}

describe('RedisModule', () => {
  afterEach(() => jest.restoreAllMocks());

  it('uses Redis locks when REDIS_URL is set and quits the client on close', async () => {
    const prefix = `test:redis-module:${randomBytes(4).toString('hex')}:`;
    const app = await boot({ REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: prefix });
    const redis = app.get(RedisService);
    expect(redis.mode).toBe('redis');
    expect(redis.isReady()).toBe(true);
    const locks = app.get(LockService);
    expect(locks).toBeInstanceOf(RedisLockService);
    const lock = (await locks.acquire('module', 1_000))!;
    expect(await locks.release(lock)).toBe(true);
    await redis.client!.del('lock:module:fence');
    const client = redis.client!;
    const ended = new Promise<void>((resolve) =>
      client.status === 'end' ? resolve() : client.once('end', resolve),
    );
    await app.close();
    await ended;
    expect(client.status).toBe('end');
  });

  it('falls back to in-process locks with a start-up warning when REDIS_URL is unset', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await boot({});
    expect(app.get(RedisService).mode).toBe('in-process');
    expect(app.get(RedisService).client).toBeNull();
    expect(app.get(LockService)).toBeInstanceOf(InProcessLockService);
    expect(warn).toHaveBeenCalledWith('REDIS_URL is not set: locks are in-process, run only one replica');
    await app.close();
  });

  it('keeps locks in PostgreSQL when REDIS_URL is unset but DATABASE_URL is set', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const db = await createTestDatabase('redis_module_pg_locks');
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [ConfigModule.forRoot(testConfig({ DATABASE_URL: db.url })), DatabaseModule, RedisModule],
      }).compile();
      const app = await moduleRef.init();
      try {
        const locks = app.get(LockService);
        expect(locks).toBeInstanceOf(PostgresLockService);
        expect(warn).toHaveBeenCalledWith(expect.stringMatching(/job locks are in PostgreSQL/));
        const lock = (await locks.acquire('job:module', 1_000))!;
        const { rows } = await db.sql.query(`SELECT fencing_token::text AS token FROM job_locks`);
        expect(rows).toEqual([{ token: String(lock.fencingToken) }]);
      } finally {
        await app.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('fences the Redis locks with a job_locks lease when DATABASE_URL is set too', async () => {
    const db = await createTestDatabase('redis_module_fenced_locks');
    const prefix = `test:redis-module-fenced:${randomBytes(4).toString('hex')}:`;
    try {
      const config = testConfig({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: prefix });
      const moduleRef = await Test.createTestingModule({
        imports: [ConfigModule.forRoot(config), DatabaseModule, RedisModule],
      }).compile();
      const app = await moduleRef.init();
      try {
        const locks = app.get(LockService);
        expect(locks).toBeInstanceOf(FencedLockService);
        const lock = (await locks.acquire('job:module', 1_000))!;
        const redis = app.get(RedisService).client!;
        expect(await redis.get('lock:job:module')).toBe(String(lock.fencingToken));
        const { rows } = await db.sql.query(
          `SELECT count(*)::int AS n FROM job_locks WHERE expires_at > now()`,
        );
        expect(rows[0].n).toBe(1);
        expect(await locks.release(lock)).toBe(true);
        await redis.del('lock:job:module:fence');
      } finally {
        await app.close();
      }
    } finally {
      await db.drop();
    }
  });
});
