import { SPECIALTIES } from './specialty-dictionary';
import { foldText } from './text-fold';

/** Well-known hospitals: canonical name and the folded ways groups write it. Extend freely. */
export const HOSPITALS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Hospital São Lucas', ['sao lucas']],
  ['Hospital Sírio-Libanês', ['sirio-libanes', 'sirio libanes', 'sirio', 'hsl']],
  [
    'Hospital Israelita Albert Einstein',
    ['israelita albert einstein', 'albert einstein', 'einstein', 'hiae'],
  ],
  ['Hospital das Clínicas', ['das clinicas', 'hc', 'hcfmusp']],
  ['Hospital São Luiz', ['sao luiz']],
  ['Hospital Moinhos de Vento', ['moinhos de vento', 'moinhos']],
  ['Hospital Santa Marcelina', ['santa marcelina']],
  ['Hospital Alemão Oswaldo Cruz', ['alemao oswaldo cruz', 'oswaldo cruz', 'haoc']],
  ['Hospital Beneficência Portuguesa', ['beneficencia portuguesa', 'bp']],
  ['Hospital e Maternidade Santa Joana', ['santa joana', 'e maternidade santa joana']],
  ['Hospital do Servidor Público', ['do servidor publico', 'servidor publico', 'hspe']],
  ['Hospital Mater Dei', ['mater dei']],
  ['Hospital Unimed', ['unimed']],
];

/** Prefixes that start a hospital's name, and how they are written in the canonical form. */
const PREFIXES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(hospital|hosp\.?)$/, 'Hospital'],
  [/^hm$/, 'Hospital Municipal'],
  [/^he$/, 'Hospital Estadual'],
  [/^hr$/, 'Hospital Regional'],
  [/^upa$/, 'UPA'],
  [/^ubs$/, 'UBS'],
  [/^ama$/, 'AMA'],
  [/^maternidade$/, 'Maternidade'],
  [/^policlinica$/, 'Policlínica'],
  [/^santa casa$/, 'Santa Casa'],
];
const PREFIX_IN_TEXT =
  /(?<![\p{L}\d])(hospital|hosp\.?|hm|he|hr|upa|ubs|ama|maternidade|policlinica|santa casa)(?![\p{L}\d])/gu;
const CONNECTORS = new Set(['de', 'da', 'do', 'dos', 'das']);
const STOP_WORDS = new Set(
  (
    'dia dias plantao plantoes plantonista vaga vagas uti ps cc valor precisa precisando preciso para pra com ' +
    'hoje hj ontem amanha noturno diurno as a em no na setor urgente urgencia adulto adulta e ou ate sn sd ' +
    'segunda terca quarta quinta sexta sabado domingo escala cobertura procura procuramos interessados ' +
    'pediatria clinica clinico emergencia ortopedia anestesia cirurgia go obstetricia enfermaria horario valores ' +
    'pronto socorro centro cirurgico neonatal neo pediatrica pediatrico manha tarde noite medico medica r ' +
    'que quem onde tem esta nao sem mas por pelo pela muito aqui ai la ' +
    'depois proximo proxima neste nesta nesse nessa periodo turno feriado semana'
  )
    .split(' ')
    .concat(SPECIALTIES.flatMap(([, aliases]) => aliases.filter((alias) => !alias.includes(' ')))),
);
const ALIAS_PATTERNS = HOSPITALS.map(
  ([canonical, aliases]) =>
    [canonical, new RegExp(String.raw`(?<![\p{L}\d])(?:${aliases.join('|')})(?![\p{L}\d])`, 'u')] as const,
);
const WORD = /^[\s.:,-]*([\p{L}'’-]+)/u;

/**
 * The hospital named in `text` (original, with accents) as written, or null: a prefix and the name after it
 * ("HOSPITAL SÃO LUCAS", "HM Barueri", "UPA Vila Nova"), else a well-known hospital written without prefix
 * ("no Einstein", "HC").
 */
export function findHospitalMention(text: string): string | null {
  const folded = foldText(text);
  for (const match of folded.matchAll(PREFIX_IN_TEXT)) {
    const words = nameAfter(text, match.index + match[0].length);
    const prefix = text.slice(match.index, match.index + match[0].length);
    if (words.length > 0) return `${prefix} ${words.join(' ')}`;
  }
  for (const [, pattern] of ALIAS_PATTERNS) {
    const match = pattern.exec(folded);
    if (match !== null) return text.slice(match.index, match.index + match[0].length);
  }
  return null;
}

/**
 * The canonical form of a hospital mention: the dictionary's name when known ("Einstein", "Hosp. Sao
 * Lucas"), else the prefix written out ("HM" → "Hospital Municipal") and the name in title case.
 */
export function canonicalHospital(mention: string): string {
  const folded = foldText(mention).trim();
  const known = lookup(folded);
  if (known !== null) return known;
  const [first, ...rest] = mention.trim().split(/\s+/);
  const twoWordPrefix = rest.length > 0 && foldText(`${first} ${rest[0]}`) === 'santa casa';
  const prefixText = twoWordPrefix ? `${first} ${rest[0]}` : first;
  const words = twoWordPrefix ? rest.slice(1) : rest;
  const prefix = PREFIXES.find(([pattern]) => pattern.test(foldText(prefixText)))?.[1];
  if (prefix === undefined) return titleCase([first, ...rest], isShouting(mention));
  const name = titleCase(words, isShouting(mention));
  return lookup(foldText(name)) ?? (name ? `${prefix} ${name}` : prefix);
}

/** The dictionary entry a folded name is exactly one alias of, with or without a prefix word. */
function lookup(folded: string): string | null {
  const name = folded.replace(/^(hospital|hosp\.?|maternidade)\s+/, '').trim();
  for (const [canonical, aliases] of HOSPITALS) if (aliases.includes(name)) return canonical;
  return null;
}

function nameAfter(text: string, from: number): string[] {
  const words: string[] = [];
  let rest = text.slice(from);
  while (words.length < 6) {
    const match = WORD.exec(rest);
    if (match === null) break;
    const folded = foldText(match[1]);
    // "quinta-feira" ends the name as "quinta" does; "Sírio-Libanês" does not
    if (STOP_WORDS.has(folded.split('-')[0]) && !CONNECTORS.has(folded)) break;
    words.push(match[1]);
    rest = rest.slice(match[0].length);
    // a separator ends the name: "Hospital São Lucas - 15/03", "Hospital X, dia 15", "Hospital X: ..."
    if (/^\s*[\n,;:()|–—/]/.test(rest) || /^\s+-\s/.test(rest)) break;
  }
  while (words.length > 0 && CONNECTORS.has(foldText(words[words.length - 1]))) words.pop();
  return words;
}

function isShouting(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length > 0 && letters === letters.toUpperCase();
}

function titleCase(words: readonly string[], shouting: boolean): string {
  return words
    .map((word) => {
      const lower = word.toLocaleLowerCase('pt-BR');
      if (CONNECTORS.has(foldText(lower))) return lower;
      if (!shouting && word.length > 1 && word === word.toUpperCase()) return word; // an acronym: HU, HRAN
      return lower.replace(
        /(^|-)(\p{L})/gu,
        (_, sep: string, letter: string) => sep + letter.toLocaleUpperCase('pt-BR'),
      );
    })
    .join(' ');
}
