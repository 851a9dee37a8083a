import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from '../redis/redis.service';
import { alertActiveKey, type AlertKind } from './alerts.constants';

// an alert nobody resolved (e.g. its rule was removed) must not linger forever
const ACTIVE_TTL_MS = 7 * 24 * 3_600_000;

/**
 * Which kinds have been alerted and not resolved yet, shared by every replica through Redis (in this
 * process without REDIS_URL). `clear` answers true to exactly one caller, who posts the "resolved".
 * Losing Redis loses at most a "resolved" message (CONTRACT §5).
 */
@Injectable()
export class AlertState {
  private readonly logger = new Logger('alerts');
  private readonly local = new Set<AlertKind>();

  constructor(private readonly redis: RedisService) {}

  async markActive(kind: AlertKind): Promise<void> {
    this.local.add(kind);
    const client = this.redis.client;
    if (client === null) return;
    await client.set(alertActiveKey(kind), '1', 'PX', ACTIVE_TTL_MS).catch((error: Error) => {
      this.logger.warn({ msg: 'alert state not shared: Redis unavailable', kind, error: error.message });
    });
  }

  /** true when `kind` was active and this caller is the one that cleared it */
  async clear(kind: AlertKind): Promise<boolean> {
    const client = this.redis.client;
    const wasLocal = this.local.delete(kind);
    if (client === null) return wasLocal;
    try {
      return (await client.del(alertActiveKey(kind))) === 1;
    } catch (error) {
      this.logger.warn({
        msg: 'alert state unreadable: Redis unavailable',
        kind,
        error: (error as Error).message,
      });
      return wasLocal;
    }
  }
}
