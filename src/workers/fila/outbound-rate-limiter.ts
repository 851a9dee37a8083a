/** The outcome of asking whether one message may go now, and through which sending number. */
export type RateDecision =
  | { readonly allowed: true; readonly sendingNumber: string }
  | {
      readonly allowed: false;
      /** when a retry can succeed: the window frees, the phone interval passes, or the number's turn comes */
      readonly retryAt: Date;
      readonly reason: 'hourly_cap' | 'daily_cap' | 'phone_interval' | 'number_interval';
    };

export interface RateRequest {
  /** the lead's phone (digits) */
  readonly phone: string;
  /** the number that lead last talked with, kept while it has capacity */
  readonly preferredNumber: string | null;
  /**
   * proactive (any `tipo` but `resposta`): waits for its number's RATE_LIMIT_NUMBER_INTERVAL. A reply goes
   * at once (its number's last send moves all the same), as it may go outside business hours.
   */
  readonly paced: boolean;
}

/**
 * WhatsApp limits per sending number (RATE_LIMIT_PER_HOUR / _PER_DAY, windows on the local hour/day in
 * SCHEDULER_TIMEZONE; RATE_LIMIT_NUMBER_INTERVAL between two proactive messages from one number, so that
 * a number never sends its hour in one burst) and RATE_LIMIT_PHONE_INTERVAL seconds between two messages
 * to one phone, checked
 * and taken atomically in Redis under `rate:*`. Decisions for a whole batch come from one Redis call.
 * Throws RateLimiterUnavailableError when Redis is unreachable: sending must stop (fail closed).
 */
export abstract class OutboundRateLimiter {
  /**
   * One decision per request, in order; an allowed one has already taken its share of the caps.
   * `unavailable` numbers (their circuit is open) have no room: neither a lead's own number nor a choice.
   */
  abstract reserveBatch(
    requests: readonly RateRequest[],
    now: Date,
    unavailable?: ReadonlySet<string>,
  ): Promise<RateDecision[]>;
  /**
   * Gives back a reservation whose message was not sent after all (provider failure before sending).
   * `reservedAt` is the `now` given to reserveBatch: the capacity goes back to the windows it came from.
   */
  abstract release(request: RateRequest, sendingNumber: string, reservedAt: Date): Promise<void>;
}
