import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import type { RedisService } from '../../redis/redis.service';
import { InProcessOutboundRateLimiter } from './in-process-outbound-rate-limiter';
import { OutboundRateLimiter } from './outbound-rate-limiter';
import { rateLimitSettings } from './rate-limit.settings';
import { RedisOutboundRateLimiter } from './redis-outbound-rate-limiter';

/** Redis when REDIS_URL is set; otherwise in this process, for a single replica. */
export function createOutboundRateLimiter(
  redis: RedisService,
  config: AppConfig,
  sendingNumbers: readonly string[],
): OutboundRateLimiter {
  const settings = rateLimitSettings(config);
  if (redis.client !== null) return new RedisOutboundRateLimiter(redis.client, settings, sendingNumbers);
  new Logger('fila_worker').warn('REDIS_URL is not set: rate limits are in-process, run only one replica');
  return new InProcessOutboundRateLimiter(settings, sendingNumbers);
}
