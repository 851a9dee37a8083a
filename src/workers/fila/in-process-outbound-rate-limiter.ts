import { OutboundRateLimiter, RateDecision, RateRequest } from './outbound-rate-limiter';
import { RateLimitSettings } from './rate-limit.settings';
import { rateKeys, rateWindows } from './rate-limit.keys';
import { RateOutcome, toDecision } from './rate-outcome';

interface Counter {
  count: number;
  /** when its window ends: then it can be forgotten */
  readonly endsAtMs: number;
}

/**
 * The same limits as RedisOutboundRateLimiter, kept in this process (no REDIS_URL): right for exactly
 * one replica. Every call runs to completion without awaiting, so a batch is still decided atomically.
 */
export class InProcessOutboundRateLimiter extends OutboundRateLimiter {
  private readonly counters = new Map<string, Counter>();
  /** phone → ms of the last send to it */
  private readonly lastSendMs = new Map<string, number>();
  /** sending number → ms of its last send (kept when a reservation is given back, as in Redis) */
  private readonly lastNumberSendMs = new Map<string, number>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly numbers: readonly string[],
  ) {
    super();
    if (numbers.length === 0) throw new Error('the rate limiter needs at least one sending number');
  }

  async reserveBatch(
    requests: readonly RateRequest[],
    now: Date,
    unavailable: ReadonlySet<string> = new Set(),
  ): Promise<RateDecision[]> {
    const nowMs = now.getTime();
    this.forgetEnded(nowMs);
    const windows = rateWindows(now, this.settings.timeZone);
    const hours = this.numbers.map((n) => this.counter(rateKeys.hour(n, windows.hour), windows.hour.end));
    const days = this.numbers.map((n) => this.counter(rateKeys.day(n, windows.day), windows.day.end));
    const numberInterval = this.settings.numberIntervalMs;
    // when each number may send its next proactive message; moved on by each message given that turn
    const turns = this.numbers.map((number) => {
      const last = this.lastNumberSendMs.get(number);
      return numberInterval > 0 && last !== undefined ? Math.max(nowMs, last + numberInterval) : nowMs;
    });
    const withinCaps = (i: number) =>
      hours[i].count < this.settings.perHour && days[i].count < this.settings.perDay;
    const hasRoom = (i: number) => !unavailable.has(this.numbers[i]) && withinCaps(i);
    const lessUsed = (i: number, j: number) =>
      days[i].count < days[j].count || (days[i].count === days[j].count && hours[i].count < hours[j].count);

    return requests.map((request) => {
      const outcome = ((): RateOutcome => {
        const last = this.lastSendMs.get(request.phone);
        const interval = this.settings.phoneIntervalMs;
        if (interval > 0 && last !== undefined && nowMs < last + interval)
          return { kind: 'phone_interval', retryAtMs: last + interval };
        // the lead's own number while it is within its caps, even while its circuit is open (a conversation
        // stays on its number; the message waits for the circuit), else any number with room
        const preferred =
          request.preferredNumber === null ? -1 : this.numbers.indexOf(request.preferredNumber);
        const candidates =
          preferred >= 0 && withinCaps(preferred)
            ? [preferred]
            : this.numbers.map((_, i) => i).filter(hasRoom);
        let chosen = -1;
        let nextTurn = -1;
        for (const i of candidates)
          if (!request.paced || turns[i] <= nowMs) {
            if (chosen < 0 || lessUsed(i, chosen)) chosen = i;
          } else if (nextTurn < 0 || turns[i] < turns[nextTurn]) nextTurn = i;
        if (chosen >= 0) {
          hours[chosen].count++;
          days[chosen].count++;
          if (interval > 0) this.lastSendMs.set(request.phone, nowMs);
          if (numberInterval > 0) {
            this.lastNumberSendMs.set(this.numbers[chosen], nowMs);
            turns[chosen] = Math.max(turns[chosen], nowMs + numberInterval);
          }
          return { kind: 'allowed', numberIndex: chosen };
        }
        if (nextTurn >= 0) {
          // the next message waiting for this number gets the turn after: a deferred batch comes back one
          // message at a time, not all at once
          const retryAtMs = turns[nextTurn];
          turns[nextTurn] += numberInterval;
          return { kind: 'number_interval', retryAtMs };
        }
        // a number whose circuit is open counts here: it may have room again before the hour ends
        return days.some((day) => day.count < this.settings.perDay)
          ? { kind: 'hourly_cap' }
          : { kind: 'daily_cap' };
      })();
      return toDecision(outcome, this.numbers, windows);
    });
  }

  async release(request: RateRequest, sendingNumber: string, reservedAt: Date): Promise<void> {
    const windows = rateWindows(reservedAt, this.settings.timeZone);
    for (const key of [
      rateKeys.hour(sendingNumber, windows.hour),
      rateKeys.day(sendingNumber, windows.day),
    ]) {
      const counter = this.counters.get(key);
      if (counter !== undefined && counter.count > 0) counter.count--;
    }
    if (this.lastSendMs.get(request.phone) === reservedAt.getTime()) this.lastSendMs.delete(request.phone);
  }

  private counter(key: string, endsAt: Date): Counter {
    let counter = this.counters.get(key);
    if (counter === undefined) {
      counter = { count: 0, endsAtMs: endsAt.getTime() };
      this.counters.set(key, counter);
    }
    return counter;
  }

  private forgetEnded(nowMs: number): void {
    for (const [key, counter] of this.counters) if (counter.endsAtMs <= nowMs) this.counters.delete(key);
    for (const [phone, last] of this.lastSendMs)
      if (last + this.settings.phoneIntervalMs <= nowMs) this.lastSendMs.delete(phone);
    for (const [number, last] of this.lastNumberSendMs)
      if (last + this.settings.numberIntervalMs <= nowMs) this.lastNumberSendMs.delete(number);
  }
}
