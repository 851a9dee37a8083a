import type { Redis } from 'ioredis';
import { OutboundRateLimiter, RateDecision, RateRequest } from './outbound-rate-limiter';
import { RateLimitSettings } from './rate-limit.settings';
import { rateKeys, rateWindows, RateWindows } from './rate-limit.keys';
import { RateLimiterUnavailableError } from './rate-limiter-unavailable.error';
import { RateOutcome, toDecision } from './rate-outcome';
import { RELEASE_LUA, RESERVE_BATCH_LUA } from './redis-rate-limit.scripts';

// Counters outlive their window by this much, then Redis drops them.
const KEY_GRACE_SECONDS = { hour: 3600, day: 86_400 };

type ScriptReply = [code: number, value: number][];

interface RateCommands {
  whatsWorkersReserveRates(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<ScriptReply>;
  whatsWorkersReleaseRate(
    hourKey: string,
    dayKey: string,
    phoneKey: string,
    reservedAtMs: string,
  ): Promise<number>;
}

/**
 * The limits shared by every replica, in Redis under `rate:*`. Only the current windows' counters and the
 * phone and number marks are kept, all with TTLs; losing them (Redis flushed or restarted) resets the windows, which
 * can let up to one extra window's worth out — accepted, nothing else depends on them.
 */
export class RedisOutboundRateLimiter extends OutboundRateLimiter {
  private readonly redis: Redis & RateCommands;

  constructor(
    client: Redis,
    private readonly settings: RateLimitSettings,
    private readonly numbers: readonly string[],
  ) {
    super();
    if (numbers.length === 0) throw new Error('the rate limiter needs at least one sending number');
    // Without numberOfKeys the first argument says how many keys follow; ioredis still prefixes them.
    client.defineCommand('whatsWorkersReserveRates', { lua: RESERVE_BATCH_LUA });
    client.defineCommand('whatsWorkersReleaseRate', { numberOfKeys: 3, lua: RELEASE_LUA });
    this.redis = client as Redis & RateCommands;
  }

  async reserveBatch(
    requests: readonly RateRequest[],
    now: Date,
    unavailable: ReadonlySet<string> = new Set(),
  ): Promise<RateDecision[]> {
    if (requests.length === 0) return [];
    const windows = rateWindows(now, this.settings.timeZone);
    const keys = [
      ...this.numbers.flatMap((number) => [
        rateKeys.hour(number, windows.hour),
        rateKeys.day(number, windows.day),
        rateKeys.lastSend(number),
      ]),
      ...requests.map((request) => rateKeys.phone(request.phone)),
    ];
    const args = [
      now.getTime(),
      this.settings.perHour,
      this.settings.perDay,
      this.settings.phoneIntervalMs,
      ttlSeconds(windows, now, 'hour'),
      ttlSeconds(windows, now, 'day'),
      this.numbers.length,
      this.settings.numberIntervalMs,
      this.numbers.flatMap((number, i) => (unavailable.has(number) ? [i + 1] : [])).join(','),
      ...requests.map((request) => this.preferredIndex(request) * 2 + (request.paced ? 1 : 0)),
    ];
    let reply: ScriptReply;
    try {
      reply = await this.redis.whatsWorkersReserveRates(keys.length, ...keys, ...args);
    } catch (error) {
      throw new RateLimiterUnavailableError('reserve', error);
    }
    return reply.map(([code, value]) => toDecision(outcomeOf(code, value), this.numbers, windows));
  }

  async release(request: RateRequest, sendingNumber: string, reservedAt: Date): Promise<void> {
    const windows = rateWindows(reservedAt, this.settings.timeZone);
    try {
      await this.redis.whatsWorkersReleaseRate(
        rateKeys.hour(sendingNumber, windows.hour),
        rateKeys.day(sendingNumber, windows.day),
        rateKeys.phone(request.phone),
        String(reservedAt.getTime()),
      );
    } catch (error) {
      throw new RateLimiterUnavailableError('release', error);
    }
  }

  /** 1-based position in the numbers list; 0 when none or no longer one of ours */
  private preferredIndex(request: RateRequest): number {
    return request.preferredNumber === null ? 0 : this.numbers.indexOf(request.preferredNumber) + 1;
  }
}

function ttlSeconds(windows: RateWindows, now: Date, window: 'hour' | 'day'): number {
  const remainingMs = Math.max(0, windows[window].end.getTime() - now.getTime());
  return Math.ceil(remainingMs / 1000) + KEY_GRACE_SECONDS[window];
}

function outcomeOf(code: number, value: number): RateOutcome {
  switch (code) {
    case 0:
      return { kind: 'allowed', numberIndex: value - 1 };
    case 1:
      return { kind: 'phone_interval', retryAtMs: value };
    case 2:
      return { kind: 'hourly_cap' };
    case 3:
      return { kind: 'daily_cap' };
    case 4:
      return { kind: 'number_interval', retryAtMs: value };
    default:
      throw new Error(`unexpected rate limit script reply ${code}`);
  }
}
