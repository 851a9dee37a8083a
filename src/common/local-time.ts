/**
 * Local hour and day boundaries in an IANA timezone, as UTC instants, DST-safe. A local wall time that
 * a spring-forward skips resolves to the instant the clocks jumped (the first instant at or after it);
 * a wall time that a fall-back repeats resolves to its first occurrence, so the repeated local hour is
 * one two-hour window.
 */

export interface LocalParts {
  readonly year: number;
  /** 1 … 12 */
  readonly month: number;
  /** 1 … 31 */
  readonly day: number;
  /** 0 … 23 */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** as Date#getDay: 0 = Sunday … 6 = Saturday */
  readonly weekday: number;
}

export interface LocalWindow {
  readonly start: Date;
  /** exclusive: the start of the next window */
  readonly end: Date;
  /** the local label, e.g. `2026031014` for an hour, `20260310` for a day */
  readonly label: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** the last answer per zone: the queue asks about the same second for every message of a batch */
const lastParts = new Map<string, { readonly second: number; readonly parts: LocalParts }>();

/** The wall-clock fields of `instant` in `timeZone`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const second = Math.floor(instant.getTime() / 1000);
  const last = lastParts.get(timeZone);
  if (last?.second === second) return last.parts;
  const parts = formatParts(instant, timeZone);
  lastParts.set(timeZone, { second, parts });
  return parts;
}

function formatParts(instant: Date, timeZone: string): LocalParts {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const year = field('year');
  const month = field('month');
  const day = field('day');
  return {
    year,
    month,
    day,
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** The local calendar date of `instant` in `timeZone`, as `YYYY-MM-DD`. */
export function localDate(instant: Date, timeZone: string): string {
  const { year, month, day } = localParts(instant, timeZone);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The local hour that contains `instant`: [start of its local hour, start of the next local hour). */
export function localHourWindow(instant: Date, timeZone: string): LocalWindow {
  const { year, month, day, hour } = localParts(instant, timeZone);
  return {
    start: instantOfLocalTime(timeZone, year, month, day, hour * 60),
    end: instantOfLocalTime(timeZone, year, month, day, (hour + 1) * 60),
    label: `${dateLabel(year, month, day)}${pad(hour)}`,
  };
}

/** The local day that contains `instant`: [its local midnight, the next local midnight). */
export function localDayWindow(instant: Date, timeZone: string): LocalWindow {
  const { year, month, day } = localParts(instant, timeZone);
  return {
    start: instantOfLocalTime(timeZone, year, month, day, 0),
    end: instantOfLocalTime(timeZone, year, month, day + 1, 0),
    label: dateLabel(year, month, day),
  };
}

/**
 * The first instant whose local wall time in `timeZone` is at or after the given local date and
 * minute of the day. Out-of-range fields roll over (day 32, minute 1440 = next midnight).
 */
export function instantOfLocalTime(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  minuteOfDay: number,
): Date {
  // The wall time read as if it were UTC; the real instant is this minus the zone's offset then.
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  const offsetBefore = offsetMs(new Date(wall - DAY_MS), timeZone);
  const offsetAfter = offsetMs(new Date(wall + DAY_MS), timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter]
    .filter((candidate) => candidate + offsetMs(new Date(candidate), timeZone) === wall)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]);
  // Skipped by a spring-forward: the clocks jumped between these two instants; find the jump.
  return new Date(transitionBetween(wall - offsetAfter, wall - offsetBefore, timeZone));
}

/** How far local wall time in `timeZone` is ahead of UTC at `instant`, in ms (whole seconds). */
export function offsetMs(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

// Zone transitions fall on whole minutes: a binary search on minutes finds the first instant that
// already has the later offset.
function transitionBetween(lowMs: number, highMs: number, timeZone: string): number {
  const offsetAtLow = offsetMs(new Date(lowMs), timeZone);
  let low = Math.floor(lowMs / MINUTE_MS);
  let high = Math.ceil(highMs / MINUTE_MS);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetMs(new Date(middle * MINUTE_MS), timeZone) === offsetAtLow) low = middle;
    else high = middle;
  }
  return high * MINUTE_MS;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function dateLabel(year: number, month: number, day: number): string {
  return `${year}${pad(month)}${pad(day)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
