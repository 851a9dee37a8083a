import type { RateDecision } from './outbound-rate-limiter';
import type { RateWindows } from './rate-limit.keys';

/**
 * What the store decided for one request, before it becomes a RateDecision; the same codes come back
 * from the Redis script and from the in-process limiter.
 */
export type RateOutcome =
  | { readonly kind: 'allowed'; readonly numberIndex: number }
  | { readonly kind: 'phone_interval'; readonly retryAtMs: number }
  /** a number has room but sent a proactive message less than RATE_LIMIT_NUMBER_INTERVAL ago: its turn */
  | { readonly kind: 'number_interval'; readonly retryAtMs: number }
  /** no number has room, but one frees when the local hour ends */
  | { readonly kind: 'hourly_cap' }
  /** every number is at its daily cap */
  | { readonly kind: 'daily_cap' };

export function toDecision(
  outcome: RateOutcome,
  numbers: readonly string[],
  windows: RateWindows,
): RateDecision {
  switch (outcome.kind) {
    case 'allowed':
      return { allowed: true, sendingNumber: numbers[outcome.numberIndex] };
    case 'phone_interval':
    case 'number_interval':
      return { allowed: false, reason: outcome.kind, retryAt: new Date(outcome.retryAtMs) };
    case 'hourly_cap':
      return { allowed: false, reason: 'hourly_cap', retryAt: windows.hour.end };
    case 'daily_cap':
      return { allowed: false, reason: 'daily_cap', retryAt: windows.day.end };
  }
}
