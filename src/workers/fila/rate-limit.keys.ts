import { localDayWindow, localHourWindow, type LocalWindow } from '../../common/local-time';

/** Where the counters live (CONTRACT §5: `rate:*`; ioredis adds REDIS_KEY_PREFIX in front). */
export const rateKeys = {
  hour: (sendingNumber: string, hour: LocalWindow) => `rate:num:${sendingNumber}:h:${hour.label}`,
  day: (sendingNumber: string, day: LocalWindow) => `rate:num:${sendingNumber}:d:${day.label}`,
  /** ms of the number's last send: proactive messages keep RATE_LIMIT_NUMBER_INTERVAL after it */
  lastSend: (sendingNumber: string) => `rate:num:${sendingNumber}:last`,
  phone: (phone: string) => `rate:phone:${phone}`,
};

/** The local clock hour and day that contain `now`: the windows a reservation at `now` counts in. */
export interface RateWindows {
  readonly hour: LocalWindow;
  readonly day: LocalWindow;
}

export function rateWindows(now: Date, timeZone: string): RateWindows {
  return { hour: localHourWindow(now, timeZone), day: localDayWindow(now, timeZone) };
}
