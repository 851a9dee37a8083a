import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { RedisService } from '../redis/redis.service';
import { alertCooldownKey } from './slack.constants';

/**
 * "Has this kind of alert been posted recently?", shared by every replica through Redis (SET NX PX), so
 * replicas do not repeat an alert. Without REDIS_URL, or while Redis is down, this process decides alone.
 */
@Injectable()
export class AlertCooldown {
  private readonly logger = new Logger('notifications');
  private readonly localUntil = new Map<string, number>();

  constructor(
    private readonly redis: RedisService,
    private readonly clock: Clock,
  ) {}

  /** true when the caller won the right to alert `kind` now; the cooldown starts at once. */
  async tryAcquire(kind: string, cooldownMs: number): Promise<boolean> {
    const client = this.redis.client;
    if (client !== null) {
      try {
        return (await client.set(alertCooldownKey(kind), '1', 'PX', cooldownMs, 'NX')) === 'OK';
      } catch (error) {
        this.logger.warn(
          `alert cooldown in Redis unavailable, deciding locally: ${(error as Error).message}`,
        );
      }
    }
    const now = this.clock.now().getTime();
    if ((this.localUntil.get(kind) ?? 0) > now) return false;
    this.localUntil.set(kind, now + cooldownMs);
    return true;
  }

  /** Ends the cooldown of `kind` early: its alert never reached Slack, so the next check tries again. */
  async giveBack(kind: string): Promise<void> {
    this.localUntil.delete(kind);
    try {
      await this.redis.client?.del(alertCooldownKey(kind));
    } catch (error) {
      this.logger.warn(`alert cooldown in Redis unavailable, not given back: ${(error as Error).message}`);
    }
  }
}
