import { localDate } from '../../common/local-time';
import { daysBetween } from '../../common/calendar-date';
import { DateMention, findDates } from './date-parser';
import {
  MAX_DAYS_AFTER,
  MAX_DAYS_BEFORE,
  MAX_SHIFTS_PER_MESSAGE,
  MAX_VALOR,
  MIN_VALOR,
} from './grupos.constants';
import { findHospitalMention } from './hospital-dictionary';
import { findMoney } from './money-parser';
import { joinNightSpans } from './night-span';
import { specialtySpan } from './specialty-dictionary';
import { foldText } from './text-fold';
import { findTimeRanges, TimeRange } from './time-parser';

/** A shift as read from the text: hospital and specialty as written, hours and value parsed. */
export interface ExtractedShift {
  data: string;
  inicio: string;
  fim: string | null;
  hospital: string;
  especialidade: string | null;
  valor: number | null;
}

export interface Rejection {
  motivo: string;
  trecho: string;
}

export interface Extraction {
  plantoes: ExtractedShift[];
  rejeicoes: Rejection[];
}

/** What a piece of text says about a shift; any field may be missing. */
interface Facts {
  hospital: string | null;
  especialidade: string | null;
  /** a specialty read from the hospital's name ("UPA" → Emergência): used only when no other is written */
  especialidadeDaUnidade: string | null;
  valor: number | null;
  valorExplicito: boolean;
  horarios: TimeRange[];
}

interface DatedUnit {
  dates: DateMention[];
  own: Facts;
  line: Facts;
  section: Facts;
  trecho: string;
  /** hours (and their facts) listed on the lines under a date-only line */
  subItems: Facts[];
}

/**
 * Numbers that are not money: phones (with area code, or a mobile without it: "98765-4321"), CEPs, and
 * street numbers ("Av. Paulista, 1500", "Rua Dr. Arnaldo nº 455": a street word, then only its name).
 */
const NOT_MONEY: readonly RegExp[] = [
  /(?<!\d)(?:\+?55[\s.-]?)?\(?\d{2}\)?[\s.-]?9?\d{4}[\s.-]?\d{4}(?!\d)/g,
  /(?<![\d.,])9[\s.]?\d{4}[\s.-]?\d{4}(?!\d)/g,
  /(?<![\d.,])\d{5}-\d{3}(?!\d)/g,
  /\b(?:rua|r\.|av|avenida|alameda|al\.|travessa|praca|rodovia|estrada|largo)\.?\s(?:[\p{L}'’-]+\.?\s){0,5}?[\p{L}'’-]*\.?,?\s?(?:(?:n|no|numero)?[º°.]?\s?)?\d{1,5}(?![\d.,])/gu,
];

/**
 * Every shift in a group message (at most MAX_SHIFTS_PER_MESSAGE), read line by line: a line's dates take
 * the hours, value, hospital and specialty written beside them, else on their line, else in the section
 * header above, else anywhere in the message; a date alone on its line takes the hours listed under it.
 * Dates resolve against `recebidaEm` in `timeZone`; a shift outside the window, without hours or hospital,
 * or with a value outside R$ 100–10 000 is rejected with the reason.
 */
export function extractShifts(text: string, recebidaEm: Date, timeZone: string): Extraction {
  const reference = localDate(recebidaEm, timeZone);
  const lines = text.split(/\r?\n/);
  const global: Facts = emptyFacts();
  let section: Facts = emptyFacts();
  const units: DatedUnit[] = [];

  const parsed = lines.map((line) => parseLine(line, reference));
  for (const { facts } of parsed) fillMissing(global, facts);
  // a value written out as money (R$, reais, "valor") anywhere beats a bare number found on an earlier line
  const explicit = parsed.find(({ facts }) => facts.valorExplicito)?.facts;
  if (!global.valorExplicito && explicit !== undefined)
    Object.assign(global, { valor: explicit.valor, valorExplicito: true });

  for (let index = 0; index < parsed.length; index += 1) {
    const { dateGroups, facts, segments, line } = parsed[index];
    if (dateGroups.length === 0) {
      section = { ...mergeFacts(facts, section) };
      continue;
    }
    const subItems: Facts[] = [];
    if (facts.horarios.length === 0) {
      for (let next = index + 1; next < parsed.length; next += 1) {
        const item = parsed[next];
        if (item.dateGroups.length > 0 || item.facts.horarios.length === 0) break;
        subItems.push(item.facts);
      }
    }
    dateGroups.forEach((dates, group) =>
      units.push({ dates, own: segments[group], line: facts, section, trecho: line.trim(), subItems }),
    );
  }

  const extraction: Extraction = { plantoes: [], rejeicoes: [] };
  for (const unit of units) {
    const base = mergeFacts(unit.own, mergeFacts(unit.line, mergeFacts(unit.section, global)));
    const variants =
      unit.own.horarios.length === 0 && unit.line.horarios.length === 0 && unit.subItems.length > 0
        ? unit.subItems.flatMap((item) =>
            item.horarios.map((hours) => ({ ...mergeFacts(item, base), hours })),
          )
        : (unit.own.horarios.length > 0 ? unit.own.horarios : base.horarios.slice(0, 1)).map((hours) => ({
            ...base,
            hours,
          }));
    for (const mention of unit.dates) {
      for (const variant of variants.length > 0 ? variants : [{ ...base, hours: undefined }]) {
        const problem = problemOf(mention, variant.hours, variant, reference);
        if (problem !== null) {
          extraction.rejeicoes.push({ motivo: problem, trecho: unit.trecho });
          continue;
        }
        if (extraction.plantoes.length >= MAX_SHIFTS_PER_MESSAGE) {
          extraction.rejeicoes.push({
            motivo: `mais de ${MAX_SHIFTS_PER_MESSAGE} plantões`,
            trecho: unit.trecho,
          });
          continue;
        }
        extraction.plantoes.push({
          data: mention.date as string,
          inicio: (variant.hours as TimeRange).inicio,
          fim: (variant.hours as TimeRange).fim,
          hospital: variant.hospital as string,
          especialidade: variant.especialidade ?? variant.especialidadeDaUnidade,
          valor: variant.valor,
        });
      }
    }
  }
  return extraction;
}

function problemOf(
  mention: DateMention,
  hours: TimeRange | undefined,
  facts: Facts,
  reference: string,
): string | null {
  if (mention.date === null) return `data inválida: ${mention.raw.trim()}`;
  const offset = daysBetween(reference, mention.date);
  if (offset < -MAX_DAYS_BEFORE || offset > MAX_DAYS_AFTER)
    return `data fora da janela (${MAX_DAYS_BEFORE} dia antes a ${MAX_DAYS_AFTER} depois): ${mention.date}`;
  if (hours === undefined) return `sem horário: ${mention.date}`;
  if (facts.hospital === null) return `sem hospital: ${mention.date}`;
  if (facts.valor !== null && (facts.valor < MIN_VALOR || facts.valor > MAX_VALOR))
    return `valor fora da faixa (R$ ${MIN_VALOR}–${MAX_VALOR}): ${facts.valor}`;
  return null;
}

interface ParsedLine {
  line: string;
  facts: Facts;
  /** dates grouped by position; each group has the facts written from it to the next group */
  dateGroups: DateMention[][];
  segments: Facts[];
}

function parseLine(line: string, reference: string): ParsedLine {
  const folded = foldText(line);
  const mentions = findDates(folded, reference);
  const { dates, glue } = joinNightSpans(mentions, folded);
  const withoutDates = blank(blank(folded, mentions), glue);
  const hours = findTimeRanges(withoutDates);
  const moneyText = NOT_MONEY.reduce(
    (text, pattern) => text.replace(pattern, (number) => ' '.repeat(number.length)),
    blank(withoutDates, hours),
  );
  const money = findMoney(moneyText);

  const groups: DateMention[][] = [];
  for (const mention of dates) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[0].start === mention.start) last.push(mention);
    else groups.push([mention]);
  }
  const bounds = groups.map((group, i) => [group[0].start, groups[i + 1]?.[0].start ?? line.length] as const);
  const factsBetween = (from: number, to: number): Facts => {
    const own = money.filter((m) => m.start >= from && m.start < to);
    const valueMention = own.find((m) => m.explicit) ?? own[0];
    const hospital = findHospitalMention(line.slice(from, to));
    const at = hospital === null ? -1 : line.indexOf(hospital, from);
    const outsideHospital =
      at < 0 ? folded : blank(folded, [{ start: at, end: at + (hospital as string).length }]);
    return {
      hospital,
      especialidade: specialtyMention(line, outsideHospital, from, to),
      especialidadeDaUnidade:
        at < 0 ? null : specialtyMention(line, folded, at, at + (hospital as string).length),
      valor: valueMention?.valor ?? null,
      valorExplicito: valueMention?.explicit ?? false,
      horarios: hours.filter((h) => h.start >= from && h.start < to),
    };
  };
  return {
    line,
    facts: factsBetween(0, line.length),
    dateGroups: groups,
    segments: bounds.map(([from, to]) => factsBetween(from, to)),
  };
}

function specialtyMention(line: string, folded: string, from: number, to: number): string | null {
  const span = specialtySpan(folded.slice(from, to));
  return span === null ? null : line.slice(from + span.start, from + span.end);
}

function blank(text: string, spans: ReadonlyArray<{ start: number; end: number }>): string {
  let result = text;
  for (const { start, end } of spans)
    result = result.slice(0, start) + ' '.repeat(end - start) + result.slice(end);
  return result;
}

function emptyFacts(): Facts {
  return {
    hospital: null,
    especialidade: null,
    especialidadeDaUnidade: null,
    valor: null,
    valorExplicito: false,
    horarios: [],
  };
}

/** `first`'s fields, each missing one taken from `fallback`. */
function mergeFacts(first: Facts, fallback: Facts): Facts {
  const valueFromFirst = first.valor !== null;
  return {
    hospital: first.hospital ?? fallback.hospital,
    especialidade: first.especialidade ?? fallback.especialidade,
    especialidadeDaUnidade: first.especialidadeDaUnidade ?? fallback.especialidadeDaUnidade,
    valor: valueFromFirst ? first.valor : fallback.valor,
    valorExplicito: valueFromFirst ? first.valorExplicito : fallback.valorExplicito,
    horarios: first.horarios.length > 0 ? first.horarios : fallback.horarios,
  };
}

function fillMissing(target: Facts, from: Facts): void {
  Object.assign(target, mergeFacts(target, from));
}
