import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module';
import { InProcessLockService } from '../../src/redis/in-process-lock.service';
import { LockService } from '../../src/redis/lock.service';
import { RedisLockService } from '../../src/redis/redis-lock.service';
import { RedisModule } from '../../src/redis/redis.module';
import { RedisService } from '../../src/redis/redis.service';
import { testConfig } from '../utils/test-config';
import { testRedisUrl } from '../utils/test-database';

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
});
