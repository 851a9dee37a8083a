import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisService } from '../redis/redis.service';
import { HEALTH_CHECK_TIMEOUT_MS } from './health.constants';
import { shortMessage } from './health-message';

export interface RedisCheck {
  readonly status: 'up' | 'down' | 'not_configured';
  readonly responseTime?: number;
  readonly message?: string;
}

/**
 * Reported, but never a reason for 503: without Redis locks and rate limits fail and jobs are skipped,
 * which restarting this replica would not fix (and no message is lost, CONTRACT §5).
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly redis: RedisService,
  ) {}

  async check(): Promise<RedisCheck> {
    const client = this.redis.client;
    if (client === null)
      return {
        status: 'not_configured',
        message: 'REDIS_URL is unset: in-process coordination, one replica only',
      };
    const { redis } = await this.health
      .check('redis')
      .attempt(async () => {
        const reply = await client.ping();
        if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
    if (redis.status === 'up') return { status: 'up', responseTime: redis.responseTime as number };
    return {
      status: 'down',
      responseTime: redis.responseTime as number,
      message: shortMessage(redis.message),
    };
  }
}
