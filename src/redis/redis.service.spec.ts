import { parseConfig } from '../config/load-config';
import { RedisService } from './redis.service';

describe('RedisService without REDIS_URL', () => {
  const redis = new RedisService(parseConfig({}));

  it('is injectable but reports in-process mode and no client', async () => {
    expect(redis.mode).toBe('in-process');
    expect(redis.client).toBeNull();
    expect(redis.isConfigured()).toBe(false);
    expect(redis.isReady()).toBe(false);
    expect(await redis.ping(100)).toBe(false);
    await expect(redis.onApplicationShutdown()).resolves.toBeUndefined();
  });
});
