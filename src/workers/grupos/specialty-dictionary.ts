/**
 * Canonical specialties and the ways groups write them (folded: lower case, no accents). Order is
 * priority: the more specific first, so "UTI pediátrica" is not Medicina Intensiva and "PS pediátrico"
 * is Pediatria. Units stand for the specialty that staffs them (UTI → Medicina Intensiva, PS →
 * Emergência). Extend by adding aliases or entries.
 */
export const SPECIALTIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    'Neonatologia',
    ['uti neonatal', 'uti neo', 'utin', 'neonatologia', 'neonatologista', 'neonatal', 'sala de parto'],
  ],
  [
    'Medicina Intensiva Pediátrica',
    ['uti pediatrica', 'uti ped', 'uti infantil', 'utip', 'intensivista pediatrico'],
  ],
  ['Pediatria', ['pediatria', 'pediatra', 'pediatrico', 'pediatrica', 'ps infantil', 'ps ped', 'ped']],
  [
    'Ginecologia e Obstetrícia',
    ['ginecologia e obstetricia', 'ginecologia', 'obstetricia', 'ginecologista', 'obstetra', 'go', 'g.o.'],
  ],
  ['Ortopedia', ['ortopedia', 'ortopedista', 'orto', 'traumato', 'traumatologia']],
  ['Anestesiologia', ['anestesiologia', 'anestesia', 'anestesista', 'anestesiologista']],
  ['Cirurgia Geral', ['cirurgia geral', 'cirurgiao geral', 'cirurgiao', 'cirurgia']],
  ['Cardiologia', ['cardiologia', 'cardiologista', 'cardio']],
  ['Psiquiatria', ['psiquiatria', 'psiquiatra']],
  ['Neurologia', ['neurologia', 'neurologista', 'neuro']],
  [
    'Clínica Médica',
    [
      'clinica medica',
      'clinico geral',
      'clinica geral',
      'clinico',
      'generalista',
      'enfermaria',
      'hospitalista',
    ],
  ],
  ['Medicina Intensiva', ['medicina intensiva', 'intensivista', 'uti adulto', 'uti', 'cti']],
  [
    'Emergência',
    ['emergencia', 'emergencista', 'pronto socorro', 'pronto-socorro', 'ps', 'pronto atendimento', 'upa'],
  ],
];

const PATTERNS = SPECIALTIES.map(
  ([canonical, aliases]) =>
    [
      canonical,
      new RegExp(
        String.raw`(?<![\p{L}\d/-])(?:${aliases.map((alias) => alias.replace(/\./g, '\\.')).join('|')})(?![\p{L}\d])`,
        'u',
      ),
    ] as const,
);

/** The canonical specialty named in a folded text, or null. */
export function findSpecialty(folded: string): string | null {
  for (const [canonical, pattern] of PATTERNS) if (pattern.test(folded)) return canonical;
  return null;
}

/** Whether a folded text names any specialty or unit (a classification feature). */
export function mentionsSpecialty(folded: string): boolean {
  return findSpecialty(folded) !== null;
}

const ANY_ALIAS = new RegExp(
  String.raw`(?<![\p{L}\d/-])(?:${SPECIALTIES.flatMap(([, aliases]) => aliases)
    .sort((a, b) => b.length - a.length)
    .map((alias) => alias.replace(/\./g, '\\.'))
    .join('|')})(?![\p{L}\d])`,
  'gu',
);

/** Where a folded text names specialties or units: from the first mention to the end of the last. */
export function specialtySpan(folded: string): { start: number; end: number } | null {
  const matches = [...folded.matchAll(ANY_ALIAS)];
  if (matches.length === 0) return null;
  const last = matches[matches.length - 1];
  return { start: matches[0].index, end: last.index + last[0].length };
}
