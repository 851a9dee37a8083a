import { localDate } from './local-time';

/**
 * Calendar helpers for the weekly contact counter. Weeks start on Monday in SCHEDULER_TIMEZONE, not
 * in UTC: at 23:30 on a Sunday in São Paulo it is already Monday in UTC, and the counter must not reset.
 */

/** The local date (`YYYY-MM-DD`) of the Monday that starts the week containing `instant`. */
export function localWeekStart(instant: Date, timeZone: string): string {
  // Calendar arithmetic on a UTC midnight of the local date: no DST or offset can move it.
  const day = new Date(`${localDate(instant, timeZone)}T00:00:00Z`);
  const daysSinceMonday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - daysSinceMonday);
  return day.toISOString().slice(0, 10);
}
