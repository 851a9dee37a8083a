import type { BusinessHours } from '../../config/business-hours';

export interface LocalTime {
  /** as Date#getDay: 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
  minute: number;
  /** `DD/MM` */
  dayMonth: string;
  /** `HH:MM` */
  hourMinute: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall clock of `instant` in `timeZone` (SCHEDULER_TIMEZONE), never the server's own zone. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const hour = Number(part('hour'));
  const minute = Number(part('minute'));
  return {
    weekday: WEEKDAYS.indexOf(part('weekday')),
    hour,
    minute,
    dayMonth: `${part('day')}/${part('month')}`,
    hourMinute: `${part('hour')}:${part('minute')}`,
  };
}

/** BUSINESS_HOURS: the listed days, start inclusive, end exclusive, in local time. */
export function isWithinBusinessHours(instant: Date, hours: BusinessHours, timeZone: string): boolean {
  const local = localTime(instant, timeZone);
  const minuteOfDay = local.hour * 60 + local.minute;
  return hours.days.has(local.weekday) && minuteOfDay >= hours.startMinute && minuteOfDay < hours.endMinute;
}
