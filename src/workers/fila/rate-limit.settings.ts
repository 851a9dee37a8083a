import type { AppConfig } from '../../config/app-config';

/** The outbound caps (CONTRACT §3) and the timezone whose clock hours and days are the windows. */
export interface RateLimitSettings {
  readonly perHour: number;
  readonly perDay: number;
  /** minimum time between two messages to one phone, across all sending numbers; 0 = no minimum */
  readonly phoneIntervalMs: number;
  /** minimum time between two proactive messages from one sending number; 0 = no minimum */
  readonly numberIntervalMs: number;
  readonly timeZone: string;
}

export function rateLimitSettings(config: AppConfig): RateLimitSettings {
  return {
    perHour: config.RATE_LIMIT_PER_HOUR,
    perDay: config.RATE_LIMIT_PER_DAY,
    phoneIntervalMs: config.RATE_LIMIT_PHONE_INTERVAL * 1000,
    numberIntervalMs: config.numberIntervalMs,
    timeZone: config.SCHEDULER_TIMEZONE,
  };
}
