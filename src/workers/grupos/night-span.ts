import { daysBetween } from '../../common/calendar-date';
import type { DateMention } from './date-parser';

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A line's dates once the end date of each night is dropped, and the words to blank before reading hours. */
export interface NightSpans {
  readonly dates: DateMention[];
  /** "do dia", "de", "às" tying a date to an hour: blanked, "19h do dia 15 às 7h" reads as 19h–7h */
  readonly glue: Span[];
}

const TIME = String.raw`(\d{1,2})(?::(\d{2})h?|h(\d{2})?)(?:s|rs|oras)?`;
const CONNECTOR = String.raw`(?:as|a|ate|-|–|—)`;
const OPENING = String.raw`\s*[,:(–—-]?\s*(?:(?:a partir )?d?as\s+|de\s+)?`;
const GLUE = String.raw`((?:(?:d[eo]|o)\s+)*(?:dia\s+)?)`;

// "15 para 16/03", "15/03 a 16/03"
const ONLY_CONNECTOR = /^\s*(?:para|pra|p\/|->|a)\s*(?:o\s+)?(?:dia\s+)?$/;
// "15/03 19h até [o dia] 16/03 [às] 7h"
const START_THEN_END_DATE = new RegExp(String.raw`^${OPENING}${TIME}\s*${CONNECTOR}\s*${GLUE}$`);
const END_HOUR_AFTER = new RegExp(String.raw`^(\s*[,-]?\s*(?:(?:as|a)\s+)?)${TIME}`);
// "19h do dia 15 às 7h do dia 16", "19h de 15/03 às 7h de 16/03"
const HOUR_BEFORE = new RegExp(String.raw`(?<![\d/:])${TIME}\s*${GLUE}$`);
const END_HOUR_BETWEEN = new RegExp(String.raw`^\s*${CONNECTOR}\s*(?:as\s+)?${TIME}\s*${GLUE}$`);
// "15/03 19h às 7h do dia 16"
const RANGE_THEN_END_DATE = new RegExp(
  String.raw`^${OPENING}${TIME}\s*${CONNECTOR}\s*(?:as\s+)?${TIME}\s*((?:d[eo]\s+)(?:o\s+)?(?:dia\s+)?)$`,
);

/**
 * A night written with both its dates ("15/03 19h até 16/03 7h", "das 19h do dia 15 às 7h do dia 16") is one
 * shift on the night it starts: the next day's date is dropped when the hours around it cross midnight.
 */
export function joinNightSpans(dates: readonly DateMention[], folded: string): NightSpans {
  const kept: DateMention[] = [];
  const glue: Span[] = [];
  dates.forEach((mention, i) => {
    const previous = dates[i - 1];
    const span =
      previous === undefined || previous.date === null || mention.date === null
        ? null
        : daysBetween(previous.date, mention.date) === 1
          ? nightBetween(previous, mention, folded)
          : null;
    if (span === null) kept.push(mention);
    else glue.push(...span);
  });
  return { dates: kept, glue };
}

/** The glue to blank when `previous` and `mention` are the start and end of one night; null when not. */
function nightBetween(previous: DateMention, mention: DateMention, folded: string): Span[] | null {
  const between = folded.slice(previous.end, mention.start);
  if (ONLY_CONNECTOR.test(between)) return [];

  const startThenEnd = START_THEN_END_DATE.exec(between);
  const endHour = END_HOUR_AFTER.exec(folded.slice(mention.end));
  if (startThenEnd !== null && endHour !== null && crossesMidnight(startThenEnd, 1, endHour, 2))
    return [
      { start: mention.start - startThenEnd[4].length, end: mention.start },
      { start: mention.end, end: mention.end + endHour[1].length },
    ];

  const startHour = HOUR_BEFORE.exec(folded.slice(0, previous.start));
  const endBetween = END_HOUR_BETWEEN.exec(between);
  if (startHour !== null && endBetween !== null && crossesMidnight(startHour, 1, endBetween, 1))
    return [
      { start: previous.start - startHour[4].length, end: previous.start },
      { start: mention.start - endBetween[4].length, end: mention.start },
    ];

  const range = RANGE_THEN_END_DATE.exec(between);
  const ownHour = END_HOUR_AFTER.test(folded.slice(mention.end));
  if (range !== null && !ownHour && crossesMidnight(range, 1, range, 4)) return [];
  return null;
}

/**
 * Whether the hour captured at `from[fromGroup…]` is after the one at `to[toGroup…]`: a night. Equal hours
 * are left alone: "15/03 19h - 16/03 19h" may as well list two starts.
 */
function crossesMidnight(from: RegExpExecArray, fromGroup: number, to: RegExpExecArray, toGroup: number) {
  return minutes(from, fromGroup) > minutes(to, toGroup);
}

function minutes(match: RegExpExecArray, group: number): number {
  return Number(match[group]) * 60 + Number(match[group + 1] ?? match[group + 2] ?? 0);
}
