/** An amount in R$ found in a line. `explicit` when the text says it is money (R$, reais, mil, valor). */
export interface MoneyMention {
  readonly valor: number;
  readonly explicit: boolean;
  readonly start: number;
}

const AMOUNT = String.raw`(\d[\d.,]*\d|\d)`;
/** What a number counts when it is not money: "300 leitos", "150 km", "60 mil habitantes". */
const COUNTED = String.raw`(?:leitos?|km|m|metros|pacientes|atendimentos|consultas|exames|partos|cirurgias|pessoas|habitantes|moradores|vidas|camas|vagas|plantoes|dias|anos|medicos)\b`;
const EXPLICIT: readonly RegExp[] = [
  new RegExp(String.raw`r\$\s*${AMOUNT}\s*(mil\b|k\b)?`, 'g'),
  new RegExp(String.raw`(?<![\d.,])${AMOUNT}\s*(mil\b|k\b)(?!\s*${COUNTED})`, 'g'),
  new RegExp(String.raw`(?<![\d.,])${AMOUNT}\s*(?:reais|conto)\b()`, 'g'),
  new RegExp(
    String.raw`\b(?:valor|pago|paga|pagamento|remuneracao|bruto|liquido)\s*:?\s*(?:de\s+|bruto\s+|liquido\s+)?${AMOUNT}\s*(mil\b|k\b)?`,
    'g',
  ),
];
// "1.800", "1.800,00", "1500", "1500,00": money only when nothing else claims the number, and not a
// count of something ("300 leitos", "150 km")
const BARE = new RegExp(
  String.raw`(?<![\d.,/:$])(\d{1,2}\.\d{3}(?:,\d{2})?|\d{3,5}(?:,\d{2})?)(?![\d.,/:]|\s*(?:h|hs|horas|min|mil)\b|\s*${COUNTED})`,
  'g',
);
const NOT_MONEY_BEFORE = /\b(crm|ramal|sala|leito|leitos|km|cep|n|no|numero|bloco|andar|ala)\s*[:.]?\s*$/;

/**
 * Amounts in a folded line, in order. Dates, times and phone numbers must have been blanked out before
 * (the extractor does), so a bare "1800" is money and "19-07" is not.
 */
export function findMoney(line: string): MoneyMention[] {
  const found: MoneyMention[] = [];
  const taken: Array<[number, number]> = [];
  for (const pattern of EXPLICIT) {
    for (const match of line.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const valor = parseAmount(match[1], match[2] === 'mil' || match[2] === 'k');
      if (valor === null) continue;
      taken.push([start, end]);
      found.push({ valor, explicit: true, start });
    }
  }
  for (const match of line.matchAll(BARE)) {
    const start = match.index;
    const end = start + match[0].length;
    if (taken.some(([s, e]) => start < e && end > s)) continue;
    if (NOT_MONEY_BEFORE.test(line.slice(0, start))) continue;
    const valor = parseAmount(match[1], false);
    if (valor === null || valor < 100 || valor > 10_000) continue;
    found.push({ valor, explicit: false, start });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** "1.800,00" → 1800, "1,8" thousands → 1800, "1.8k" → 1800, "1800.50" → 1800.5, "1,800" → 1800. */
export function parseAmount(text: string, thousands: boolean): number | null {
  const raw = text.replace(/[.,]$/, '');
  let value: number;
  if (thousands) value = Number(raw.replace(',', '.')) * 1000;
  else if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(raw))
    value = Number(raw.replace(/\./g, '').replace(',', '.'));
  else if (/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(raw)) value = Number(raw.replace(/,/g, ''));
  else if (/^\d+,\d{1,2}$/.test(raw)) value = Number(raw.replace(',', '.'));
  else if (/^\d+(\.\d{1,2})?$/.test(raw)) value = Number(raw);
  else return null;
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : null;
}
