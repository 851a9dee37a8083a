import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LockUnavailableError } from './lock-unavailable.error';
import { LockHandle, LockService } from './lock.service';
import { lockTtlMs } from './lock-ttl';
import { ACQUIRE_LOCK_LUA, EXTEND_LOCK_LUA, RELEASE_LOCK_LUA } from './redis-lock.scripts';
import { RedisService } from './redis.service';

interface LockCommands {
  whatsWorkersAcquireLock(
    lockKey: string,
    fenceKey: string,
    attemptKey: string,
    ttlMs: number,
    attempt: string,
  ): Promise<number | null>;
  whatsWorkersReleaseLock(lockKey: string, token: string): Promise<number>;
  whatsWorkersExtendLock(lockKey: string, token: string, ttlMs: number): Promise<number>;
}

/** Locks shared by every replica: `lock:<resource>` holds the fencing token, set NX with a TTL. */
@Injectable()
export class RedisLockService extends LockService {
  private readonly redis: Redis & LockCommands;

  constructor(redisService: RedisService) {
    super();
    if (redisService.client === null) throw new Error('RedisLockService needs REDIS_URL');
    const client = redisService.client;
    client.defineCommand('whatsWorkersAcquireLock', { numberOfKeys: 3, lua: ACQUIRE_LOCK_LUA });
    client.defineCommand('whatsWorkersReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK_LUA });
    client.defineCommand('whatsWorkersExtendLock', { numberOfKeys: 1, lua: EXTEND_LOCK_LUA });
    this.redis = client as Redis & LockCommands;
  }

  async acquire(resource: string, ttlMs: number, attempt = ''): Promise<LockHandle | null> {
    const ttl = lockTtlMs(ttlMs);
    try {
      const token = await this.redis.whatsWorkersAcquireLock(
        lockKey(resource),
        `${lockKey(resource)}:fence`,
        `${lockKey(resource)}:attempt`,
        ttl,
        attempt,
      );
      return token === null ? null : { resource, fencingToken: Number(token) };
    } catch (error) {
      throw new LockUnavailableError('acquire', resource, error);
    }
  }

  async release(lock: LockHandle): Promise<boolean> {
    try {
      return (
        (await this.redis.whatsWorkersReleaseLock(lockKey(lock.resource), String(lock.fencingToken))) === 1
      );
    } catch (error) {
      throw new LockUnavailableError('release', lock.resource, error);
    }
  }

  async extend(lock: LockHandle, ttlMs: number): Promise<boolean> {
    try {
      const renewed = await this.redis.whatsWorkersExtendLock(
        lockKey(lock.resource),
        String(lock.fencingToken),
        lockTtlMs(ttlMs),
      );
      return renewed === 1;
    } catch (error) {
      throw new LockUnavailableError('extend', lock.resource, error);
    }
  }

  async currentHolder(resource: string): Promise<number | null> {
    try {
      const token = await this.redis.get(lockKey(resource));
      return token === null ? null : Number(token);
    } catch (error) {
      throw new LockUnavailableError('read', resource, error);
    }
  }
}

/** without REDIS_KEY_PREFIX, which ioredis prepends itself */
function lockKey(resource: string): string {
  return `lock:${resource}`;
}
