import type { AppConfig } from '../config/app-config';
import type { BusinessHours } from '../config/business-hours';
import { instantOfLocalTime, localParts } from './local-time';

// Every weekday comes back within a week; one more day covers "today, but already past closing".
const DAYS_TO_SEARCH = 8;

/** When proactive messages may go out (BUSINESS_HOURS in SCHEDULER_TIMEZONE, end exclusive). */
export class BusinessHoursCalendar {
  constructor(
    private readonly hours: BusinessHours,
    private readonly timeZone: string,
  ) {}

  static fromConfig(config: AppConfig): BusinessHoursCalendar {
    return new BusinessHoursCalendar(config.BUSINESS_HOURS, config.SCHEDULER_TIMEZONE);
  }

  isOpen(instant: Date): boolean {
    const local = localParts(instant, this.timeZone);
    const minute = local.hour * 60 + local.minute;
    return (
      this.hours.days.has(local.weekday) && minute >= this.hours.startMinute && minute < this.hours.endMinute
    );
  }

  /** `instant` itself when open, otherwise the next opening after it. */
  nextOpening(instant: Date): Date {
    if (this.isOpen(instant)) return instant;
    const today = localParts(instant, this.timeZone);
    for (let offset = 0; offset < DAYS_TO_SEARCH; offset++) {
      if (!this.hours.days.has((today.weekday + offset) % 7)) continue;
      const opening = instantOfLocalTime(
        this.timeZone,
        today.year,
        today.month,
        today.day + offset,
        this.hours.startMinute,
      );
      if (opening.getTime() >= instant.getTime()) return opening;
    }
    throw new Error('business hours list no day of the week'); // parseBusinessHours never allows this
  }
}
