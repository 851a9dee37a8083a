/** A shift's hours as `HH:MM`; `fim` is null when only the start is known. */
export interface TimeRange {
  readonly inicio: string;
  readonly fim: string | null;
  readonly start: number;
  readonly end: number;
}

const HOUR = String.raw`(\d{1,2})(?:(?::|h|\.)(\d{2}))?`;
const H_SUFFIX = String.raw`(?:\s*h(?:s|rs|oras)?\b)?`;
// "19h às 07h", "19-07", "das 7 às 19", "07:00 - 19:00", "7h x 19h", "19h/7h"
const RANGE = new RegExp(
  String.raw`(?<![\d/.,:])(das?\s+|de\s+)?${HOUR}${H_SUFFIX}\s*(as|a|ate|-|–|—|x|\/)\s*${HOUR}${H_SUFFIX}(?![\d/]|[.,]\d|\s*(?:mil|k|reais)\b)`,
  'g',
);
// "às 19h", "a partir das 7h", "início 19h", "19h" (a start without an end)
const START =
  /(?<![\d/.,:])(?:(?:a partir d?as|as|inicio(?: as)?|entrada(?: as)?)\s+)?(\d{1,2})(?::(\d{2})|h(\d{2})?)(?![\d/])/g;
const DURATION = /(?<![\d/.,:])(6|12|24)\s*(?:h|hs|hrs|horas)\b/g;
const NAMED: ReadonlyArray<readonly [RegExp, string, number]> = [
  [/\b(noturno|sn)\b/g, '19:00', 12],
  [/\b(diurno|sd)\b/g, '07:00', 12],
  [/\b(manha)\b/g, '07:00', 6],
  [/\b(tarde)\b/g, '13:00', 6],
];
const DEFAULT_START = '07:00';
const GREETINGS = /\b(boa tarde|boa noite|bom dia)\b/g;

/**
 * Every time range named in a folded line, in order: explicit ranges first; else starts (with a 6/12/24 h
 * duration when one is given); else named shifts (noturno 19–07, diurno 07–19, manhã 07–13, tarde 13–19)
 * whose length a duration overrides; else a bare duration from 07:00.
 */
export function findTimeRanges(text: string): TimeRange[] {
  const line = text.replace(GREETINGS, (greeting) => ' '.repeat(greeting.length));
  const ranges: TimeRange[] = [];
  let rest = line; // what later stages may read: an impossible range ("25h às 07h") is no start either
  for (const match of line.matchAll(RANGE)) {
    const prefixed = match[1] !== undefined;
    const separator = match[4];
    const hasUnit = /h|:/.test(match[0].slice(match[1]?.length ?? 0));
    // "2 a 3" or "1/2" are counts or fractions, not hours: bare digits need "das", a unit, a dash, or
    // "às"/"até" ("19 às 07"), which join hours, never counts
    if (!prefixed && !hasUnit && !['-', '–', '—', 'as', 'ate'].includes(separator)) continue;
    if (separator === '/' && !hasUnit) continue;
    const inicio = hhmm(match[2], match[3], false);
    const fim = hhmm(match[5], match[6], true);
    if (inicio === null || fim === null) {
      rest =
        rest.slice(0, match.index) + ' '.repeat(match[0].length) + rest.slice(match.index + match[0].length);
      continue;
    }
    ranges.push({ inicio, fim, start: match.index, end: match.index + match[0].length });
  }
  if (ranges.length > 0) return ranges;

  const allDurations = [...rest.matchAll(DURATION)];
  const isDuration = (index: number) => allDurations.some((d) => d.index === index);
  const starts: TimeRange[] = [];
  for (const match of rest.matchAll(START)) {
    const bare = !match[0].includes(' ');
    if (bare && isDuration(match.index)) continue;
    const inicio = hhmm(match[1], match[2] ?? match[3], false);
    if (inicio === null) continue;
    starts.push({ inicio, fim: null, start: match.index, end: match.index + match[0].length });
  }
  // "às 12h" is a start, not also a 12 h duration for itself
  const durations = allDurations.filter((d) => starts.every((s) => d.index >= s.end || d.index < s.start));
  const durationHours = durations.length > 0 ? Number(durations[0][1]) : null;
  if (starts.length > 0)
    return starts.map((s) => ({
      ...s,
      fim: durationHours === null ? null : plusHours(s.inicio, durationHours),
    }));

  for (const [pattern, inicio, hours] of NAMED) {
    for (const match of rest.matchAll(pattern)) {
      const fim = plusHours(inicio, durationHours ?? hours);
      ranges.push({ inicio, fim, start: match.index, end: match.index + match[0].length });
    }
  }
  if (ranges.length > 0) return ranges.sort((a, b) => a.start - b.start);

  if (durationHours !== null) {
    const match = durations[0];
    return [
      {
        inicio: DEFAULT_START,
        fim: plusHours(DEFAULT_START, durationHours),
        start: match.index,
        end: match.index + match[0].length,
      },
    ];
  }
  return [];
}

function hhmm(hours: string, minutes: string | undefined, isEnd: boolean): string | null {
  let h = Number(hours);
  const m = minutes === undefined ? 0 : Number(minutes);
  if (m > 59 || h > 24 || (h === 24 && (m > 0 || !isEnd))) return null;
  if (h === 24) h = 0; // "até 24h" ends at midnight
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

function plusHours(start: string, hours: number): string {
  const [h, m] = start.split(':').map(Number);
  return `${String((h + hours) % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
