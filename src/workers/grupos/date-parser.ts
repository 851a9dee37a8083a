import {
  addDays,
  calendarDate,
  dayOf,
  daysBetween,
  monthOf,
  weekdayOf,
  yearOf,
} from '../../common/calendar-date';

/** A date found in a line: `date` is null when the text names a day that does not exist (31/02). */
export interface DateMention {
  readonly date: string | null;
  readonly raw: string;
  readonly start: number;
  readonly end: number;
}

const MONTHS = [
  'janeiro',
  'fevereiro',
  'marco',
  'abril',
  'maio',
  'junho',
  'julho',
  'agosto',
  'setembro',
  'outubro',
  'novembro',
  'dezembro',
];

const WEEKDAYS: Readonly<Record<string, number>> = {
  domingo: 0,
  segunda: 1,
  terca: 2,
  quarta: 3,
  quinta: 4,
  sexta: 5,
  sabado: 6,
};

const DAY_LIST = String.raw`\d{1,2}(?:\s*(?:,|\be\b)\s*\d{1,2}(?![\d:h-]))*`;
// "dias 15, 16 e 17/03", "dia 15", "dias 20 e 21", "dia 15 às 19h"; not "dia 7h" or "dia 7 às 19" (hours)
const DAYS_WORD = new RegExp(
  String.raw`\bdias?\s+(${DAY_LIST})(?:\s*\/\s*(\d{1,2})(?:\/(\d{2}|\d{4}))?)?(?![\d:/]|\s*h\b|\s*(?:as|a|ate)\s+\d{1,2}(?![\d:h]))`,
  'g',
);
// "plantão de dia 7 às 19h" is a daytime shift from 7 to 19h, not the 7th
const DAYTIME_BEFORE = /\bde\s+$/;
const HOURS_AFTER = /^\s*(?:as|a|ate)\s+\d/;
// "15/03", "15/03/2026", "15 e 16/03"
const NUMERIC = /(?<![\d/:.,])((?:\d{1,2}\s+e\s+)*)(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?(?![\d/])/g;
// "15 de março", "15 de marco de 2026"
const WRITTEN = new RegExp(
  String.raw`(?<!\d)(\d{1,2})\s+de\s+(${MONTHS.join('|')})(?:\s+de\s+(\d{4}))?\b`,
  'g',
);
// "15 para 16/03", "15/03 pra 16/03": one night shift, on the night it starts
const NIGHT_SPAN =
  /(?<![\d/])(?:de\s+)?(\d{1,2})(?:\/\d{1,2})?\s+(?:para|pra|p\/)\s+(?:o\s+)?(?:dia\s+)?(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?(?![\d/])/g;
const RELATIVE = /\b(depois de amanha|amanha|hoje)\b/g;
const WEEKDAY = /\b(segunda|terca|quarta|quinta|sexta)(?:[\s-]*feira)?\b|\b(sabado|domingo)\b/g;

/**
 * Every date named in a folded line (see foldText), resolved against `reference`, the local date the
 * message was received: a date without a year is the nearest one, "dia 15" the next 15th (or yesterday's
 * 15th), a weekday the next one (today when it is today). Weekdays are ignored when the line has a
 * calendar date ("sábado 14/03").
 */
export function findDates(line: string, reference: string): DateMention[] {
  const found: DateMention[] = [];
  const taken: Array<[number, number]> = [];
  const free = (start: number, end: number) => taken.every(([s, e]) => end <= s || start >= e);
  const add = (match: RegExpExecArray, dates: Array<string | null>) => {
    const start = match.index;
    const end = start + match[0].length;
    if (!free(start, end)) return;
    taken.push([start, end]);
    for (const date of dates) found.push({ date, raw: match[0], start, end });
  };

  for (const match of line.matchAll(NIGHT_SPAN)) {
    const morning = withYear(Number(match[2]), Number(match[3]), match[4], reference);
    const night = morning === null ? null : addDays(morning, -1);
    if (night !== null && dayOf(night) === Number(match[1])) add(match, [night]);
  }
  for (const match of line.matchAll(DAYS_WORD)) {
    const after = line.slice(match.index + match[0].length);
    if (DAYTIME_BEFORE.test(line.slice(0, match.index)) && HOURS_AFTER.test(after)) continue;
    const days = match[1].split(/\s*(?:,|\be\b)\s*/).map(Number);
    const month = match[2] === undefined ? null : Number(match[2]);
    add(
      match,
      days.map((day) =>
        month === null ? nextDayOfMonth(day, reference) : withYear(day, month, match[3], reference),
      ),
    );
  }
  for (const match of line.matchAll(NUMERIC)) {
    const month = Number(match[3]);
    const days = [...match[1].split(/\s+e\s+/).filter(Boolean), match[2]].map(Number);
    add(
      match,
      days.map((day) => withYear(day, month, match[4], reference)),
    );
  }
  for (const match of line.matchAll(WRITTEN))
    add(match, [withYear(Number(match[1]), MONTHS.indexOf(match[2]) + 1, match[3], reference)]);
  for (const match of line.matchAll(RELATIVE)) {
    const offset = match[1] === 'hoje' ? 0 : match[1] === 'amanha' ? 1 : 2;
    add(match, [addDays(reference, offset)]);
  }
  if (found.length === 0) {
    for (const match of line.matchAll(WEEKDAY)) {
      const target = WEEKDAYS[match[1] ?? match[2]];
      add(match, [addDays(reference, (target - weekdayOf(reference) + 7) % 7)]);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function withYear(day: number, month: number, year: string | undefined, reference: string): string | null {
  if (year !== undefined)
    return calendarDate(year.length === 2 ? 2000 + Number(year) : Number(year), month, day);
  // no year: the candidate nearest to the day the message was received (15/01 posted in December is next year)
  const candidates = [-1, 0, 1]
    .map((shift) => calendarDate(yearOf(reference) + shift, month, day))
    .filter((date): date is string => date !== null);
  if (candidates.length === 0) return null;
  return candidates.reduce((best, date) =>
    Math.abs(daysBetween(reference, date)) < Math.abs(daysBetween(reference, best)) ? date : best,
  );
}

function nextDayOfMonth(day: number, reference: string): string | null {
  if (day < 1 || day > 31) return null;
  // "dia 15" said on the 16th still means yesterday's 15th (a late post), also when yesterday was the
  // last day of the previous month (a post just after midnight); earlier days are next month's
  const yesterday = addDays(reference, -1);
  if (dayOf(yesterday) === day) return yesterday;
  const startMonth = day >= dayOf(reference) ? 0 : 1;
  for (let shift = startMonth; shift < startMonth + 3; shift += 1) {
    const month = monthOf(reference) - 1 + shift;
    const date = calendarDate(yearOf(reference) + Math.floor(month / 12), (month % 12) + 1, day);
    if (date !== null) return date;
  }
  return null;
}
