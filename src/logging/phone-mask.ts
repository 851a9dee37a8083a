import { stdSerializers } from 'pino';
import { withoutQuotedRow, withoutQuotedRowDetail } from './quoted-row';

/**
 * Phone numbers are personal data: logs keep only the last 4 digits (CONTRACT §8), enough for an operator
 * to tell two leads apart without exposing the number.
 */
export function maskPhone(phone: string | null | undefined): string {
  const digits = (phone ?? '').replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return '*'.repeat(digits.length - 4) + digits.slice(-4);
}

// A UUID is matched first and kept as it is: its last group can be 12 digits and execution ids must stay
// greppable. Then a run of 10–15 digits (optionally after +), a Brazilian number written with the usual
// separators: +55 (11) 98765-4321, 11 98765 4321, (11) 3333-4444, the trunk 0 of (011) 3333-4444, and the
// mobile 9 written apart: (11) 9 8765-4321; or any number written after + in groups: +1 (415) 555-2671,
// +351 912 345 678 (a lead abroad). Digits glued to letters, `_` or other digits (hex ids, 20-digit tokens,
// migration names like 20261129235819_init) are not phones.
const UUID = String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
const PLAIN_RUN = String.raw`\+?\d{10,15}`;
const FORMATTED_BR = String.raw`(?:\+?55[ .-]?)?\(?0?\d{2}\)?[ .-]?(?:9[ .-]?)?\d{4}[ .-]?\d{4}`;
const INTERNATIONAL = String.raw`\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}`;
const PHONE_IN_TEXT = new RegExp(
  String.raw`(?<![0-9A-Za-z_])(?:(${UUID})|${PLAIN_RUN}|${FORMATTED_BR}|${INTERNATIONAL})(?![0-9A-Za-z_])`,
  'gi',
);

/** Masks every phone-looking number inside free text (log messages, error messages, URLs). */
export function maskPhonesInText(text: string): string {
  const masked = maskPlainText(text);
  if (!URL_ENCODING.test(text)) return masked;
  // A URL can hide a number from the pattern: in `?telefone=%2B5511987654321` the digits follow the letter
  // B, in `?telefone=55+11+98765+4321` they are apart. When the decoded text shows more of a number than
  // the text as written, the decoded text is logged, masked; otherwise the text stays as it was written.
  const maskedDecoded = maskPlainText(decodeUrlText(text));
  return maskedDigits(maskedDecoded) > maskedDigits(masked) ? maskedDecoded : masked;
}

const URL_ENCODING = /%[0-9a-f]{2}|\+/i;

function maskPlainText(text: string): string {
  if (!/\d[\d ().+-]{8}/.test(text)) return text; // fast path: most log strings carry no long number
  return text.replace(PHONE_IN_TEXT, (match: string, uuid: string | undefined) => {
    if (uuid !== undefined) return match;
    const digits = match.replace(/\D/g, '').length;
    return digits >= 10 && digits <= 15 ? maskPhone(match) : match;
  });
}

/** `+` as a space (form encoding) and every valid %XX sequence decoded; a malformed one is kept. */
function decodeUrlText(text: string): string {
  return text.replace(/\+/g, ' ').replace(/(?:%[0-9a-f]{2})+/gi, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes;
    }
  });
}

const maskedDigits = (text: string) => text.split('*').length - 1;

const MAX_DEPTH = 10;

/**
 * Returns a copy of a log object with every string value masked (and the row a PostgreSQL violation
 * quotes left out, see quoted-row.ts), at any depth inside plain objects and
 * arrays. Numbers are left alone (a 13-digit `duration_ms` or epoch is not a phone). Class instances
 * (Error, IncomingMessage, Date...) are returned as they are: pino's serializers turn them into data
 * afterwards, and ours mask that output with `maskPhonesInSerialized`.
 */
export function maskPhonesDeep<T>(value: T): T {
  return walk(value, 0, new WeakSet(), false) as T;
}

/**
 * Same, for the output of pino's standard serializers (serialized errors and requests are objects with a
 * custom prototype, and an error's `cause` is another one): every own enumerable property is walked.
 */
export function maskPhonesInSerialized<T>(value: T): T {
  return walk(value, 0, new WeakSet(), true) as T;
}

function walk(value: unknown, depth: number, ancestors: WeakSet<object>, anyObject: boolean): unknown {
  if (typeof value === 'string') return maskPhonesInText(withoutQuotedRow(value));
  if (value === null || typeof value !== 'object') return value;
  const error = anyObject && value instanceof Error;
  if (!Array.isArray(value) && !error && !(anyObject ? isRecord(value) : isPlainObject(value))) return value;
  // Returned as it is, a cycle's way back or what lies past MAX_DEPTH would be written by JSON.stringify
  // unmasked. Only ancestors count as a cycle: an object met again beside itself (`{ lead, previous: lead
  // }`) is masked again.
  if (ancestors.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH) return '[Object]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, ancestors, anyObject));
    // pino's serializer copies an error's other fields as they are: an Error inside them (Prisma's
    // `meta.driverAdapterError`, whose cause holds PostgreSQL's `detail` quoting the row) would be written
    // by JSON.stringify unmasked, so it is serialized here and walked like the rest
    if (error) {
      const serialized: Record<string, unknown> = stdSerializers.err(value);
      // the serializer folds an error-like cause into message and stack and drops the rest of it (`detail`)
      if (isPlainCause(value.cause)) serialized.cause = value.cause;
      return walk(serialized, depth + 1, ancestors, anyObject);
    }
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = walk(item, depth + 1, ancestors, anyObject);
    return withoutQuotedRowDetail(copy);
  } finally {
    ancestors.delete(value);
  }
}

function isPlainCause(cause: unknown): boolean {
  return typeof cause === 'object' && cause !== null && !(cause instanceof Error);
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function isRecord(value: object): boolean {
  return !(
    value instanceof Error ||
    value instanceof Date ||
    ArrayBuffer.isView(value) ||
    value instanceof Map
  );
}
