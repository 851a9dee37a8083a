/**
 * PostgreSQL's DETAIL of a NOT NULL or CHECK violation quotes the whole row it refused (`Failing row
 * contains (…)`): a message's `conteudo`, a group message's `texto`, a briefing, a lead's name. Message
 * contents stay out of logs above debug (CONTRACT §8), so a logged error keeps what failed (its message
 * names the constraint), not the row.
 */
const QUOTED_ROW = /(Failing row contains )\(.*\)/gs;
const ROW_NOT_LOGGED = '(row not logged)';
// by SQLSTATE as well: a server whose lc_messages is not English translates the sentence
const ROW_QUOTING_CODES = new Set(['23502', '23514']);

export function withoutQuotedRow(text: string): string {
  return text.replace(QUOTED_ROW, `$1${ROW_NOT_LOGGED}`);
}

/** A driver error's fields (`code`, `detail`, ...) without the row its detail quotes. */
export function withoutQuotedRowDetail(fields: Record<string, unknown>): Record<string, unknown> {
  if (typeof fields.detail !== 'string' || !ROW_QUOTING_CODES.has(String(fields.code))) return fields;
  return { ...fields, detail: `Failing row contains ${ROW_NOT_LOGGED}.` };
}
