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
// "15.03", "15.03.2026"; not "2.5 mil", "1.500", "12.50" (not a month) or the hour in "das 12.10 às 18.10"
const DOTTED =
  /(?<![\d/:.,$])(?<!\b(?:d?as|ate)\s+)(\d{1,2})\.(\d{2})(?:\.(\d{4}|\d{2}))?(?![\d.,]|\s*(?:mil|k|reais|h)\b)/g;
// "15 de março", "15 de marco de 2026"
const WRITTEN = new RegExp(
  String.raw`(?<!\d)(\d{1,2})\s+de\s+(${MONTHS.join('|')})(?:\s+de\s+(\d{4}))?\b`,
  'g',
);
// "15 para 16/03", "15/03 pra 16/03": one night shift, on the night it starts
const NIGHT_SPAN =
  /(?<![\d/])(?:de\s+)?(\d{1,2})(?:\/\d{1,2})?\s+(?:para|pra|p\/)\s+(?:o\s+)?(?:dia\s+)?(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?(?![\d/])/g;
// "de 15 a 17/03", "15/03 a 17/03", "do dia 15 ao dia 17/03", "dias 15 a 17": every day of the range
const RANGE =
  /(?<![\d/])(?<!\bd?as\s+)(?:d[eo]\s+)?(dias?\s+)?(\d{1,2})(?:\/(\d{1,2}))?\s+(?:a|ate|ao)\s+(?:o\s+)?(?:dia\s+)?(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?(?![\d/])/g;
const RANGE_OF_DAYS = /\bdias\s+(\d{1,2})\s+(?:a|ate|ao)\s+(?:o\s+)?(?:dia\s+)?(\d{1,2})(?![\d:/]|\s*h\b)/g;
const MAX_RANGE_DAYS = 31;
const RELATIVE = /\b(depois de amanha|amanha|hoje|hj)\b/g;
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

  for (const match of line.matchAll(RANGE)) {
    const [day, month] = [Number(match[2]), optionalNumber(match[3])];
    const last = withYear(Number(match[4]), Number(match[5]), match[6], reference);
    // "de 19 a 07/03" is a night from 19h on the 7th more likely than 17 days: a bare day before a lower
    // one is a range only after "dias" ("dias 30 a 1/04")
    if (last === null || (month === null && day > dayOf(last) && match[1] === undefined)) continue;
    const days = everyDay(rangeStart(day, month, last), last);
    if (days !== null) add(match, days);
  }
  for (const match of line.matchAll(RANGE_OF_DAYS)) {
    const first = nextDayOfMonth(Number(match[1]), reference);
    const days = first === null ? null : everyDay(first, nextWithDay(first, Number(match[2])));
    if (days !== null) add(match, days);
  }
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
  for (const match of line.matchAll(DOTTED)) {
    const date = withYear(Number(match[1]), Number(match[2]), match[3], reference);
    if (date !== null) add(match, [date]);
  }
  for (const match of line.matchAll(WRITTEN))
    add(match, [withYear(Number(match[1]), MONTHS.indexOf(match[2]) + 1, match[3], reference)]);
  for (const match of line.matchAll(RELATIVE)) {
    const offset = match[1] === 'hoje' || match[1] === 'hj' ? 0 : match[1] === 'amanha' ? 1 : 2;
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

/** The first day of a range ending on `last`: in `month` when written, else in last's month or the one before. */
function rangeStart(day: number, month: number | null, last: string): string | null {
  let year = yearOf(last);
  let startMonth = month ?? monthOf(last);
  if (month === null && day > dayOf(last)) startMonth -= 1;
  if (month !== null && (month > monthOf(last) || (month === monthOf(last) && day > dayOf(last)))) year -= 1;
  if (startMonth < 1) {
    startMonth += 12;
    year -= 1;
  }
  return calendarDate(year, startMonth, day);
}

/** The first date after `from` that is a `day`-th, within a month; null when there is none. */
function nextWithDay(from: string, day: number): string | null {
  for (let shift = 1; shift <= MAX_RANGE_DAYS; shift += 1) {
    const date = addDays(from, shift);
    if (dayOf(date) === day) return date;
  }
  return null;
}

/**
 * Every day from `first` to `last`; two consecutive days are one night on the first, as "15 para 16/03";
 * null when the range is not one (backwards, or longer than a month).
 */
function everyDay(first: string | null, last: string | null): string[] | null {
  if (first === null || last === null) return null;
  const length = daysBetween(first, last);
  if (length < 1 || length > MAX_RANGE_DAYS) return null;
  if (length === 1) return [first];
  return Array.from({ length: length + 1 }, (_, i) => addDays(first, i));
}

function optionalNumber(text: string | undefined): number | null {
  return text === undefined ? null : Number(text);
}
