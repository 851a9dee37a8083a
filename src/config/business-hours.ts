const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface BusinessHours {
  /** ISO-like day numbers as in Date#getDay: 0 = Sunday … 6 = Saturday */
  days: ReadonlySet<number>;
  /** minutes after local midnight, start inclusive */
  startMinute: number;
  /** minutes after local midnight, end exclusive */
  endMinute: number;
}

/** Parses `mon-fri 08:00-20:00` (CONTRACT §3); throws with the reason when malformed. */
export function parseBusinessHours(text: string): BusinessHours {
  // spaces after commas and around dashes, and 8:00 for 08:00, as people write them
  const match = /^\s*(.+?)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!match) throw new Error('expected "<days> HH:MM-HH:MM", e.g. "mon-fri 08:00-20:00"');
  const [, dayText, startHour, startMin, endHour, endMin] = match;
  const days = new Set<number>();
  const parts = dayText
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());
  for (const part of parts) {
    const ends = part.split('-').map((day) => day.trim());
    if (ends.length > 2) throw new Error(`day range "${part}" has more than two days; write "mon-wed"`);
    const [from, to = from] = ends;
    const first = dayIndex(from);
    const last = dayIndex(to);
    if (last < first)
      throw new Error(`day range "${part}" wraps around the week; split it, e.g. "sat-sun,mon"`);
    for (let day = first; day <= last; day++) days.add(DAY_NAMES.indexOf(WEEK_ORDER[day]));
  }
  const startMinute = toMinute(startHour, startMin);
  const endMinute = toMinute(endHour, endMin);
  if (endMinute <= startMinute) throw new Error('the end time must be after the start time');
  return { days, startMinute, endMinute };
}

// Ranges read Monday-first, as people write them ("mon-fri", "sat-sun").
const WEEK_ORDER = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function dayIndex(name: string): number {
  const index = (WEEK_ORDER as readonly string[]).indexOf(name);
  if (index < 0) throw new Error(`unknown day "${name}"; use mon, tue, wed, thu, fri, sat, sun`);
  return index;
}

function toMinute(hour: string, minute: string): number {
  const h = Number(hour);
  const m = Number(minute);
  if (h > 24 || m > 59 || (h === 24 && m > 0)) throw new Error(`invalid time ${hour}:${minute}`);
  return h * 60 + m;
}
