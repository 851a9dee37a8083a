import { MAX_RETRY_AFTER_MS } from './whatsapp.constants';

/**
 * The wait a Retry-After header asks for, in ms: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * undefined when absent or unreadable; never negative; capped at MAX_RETRY_AFTER_MS.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (header === undefined || header.trim() === '') return undefined;
  const trimmed = header.trim();
  // an HTTP-date starts with the day name; Date.parse alone would also take "-5" or "1.5" as dates
  const waitMs = /^\d+$/.test(trimmed)
    ? Number(trimmed) * 1000
    : /^[A-Za-z]{3}/.test(trimmed)
      ? Date.parse(inGmt(trimmed)) - now.getTime()
      : Number.NaN;
  if (Number.isNaN(waitMs)) return undefined;
  return Math.min(Math.max(waitMs, 0), MAX_RETRY_AFTER_MS);
}

/**
 * An HTTP-date is always GMT, but its asctime form ("Sun Nov  6 08:49:37 1994", which recipients must
 * accept) names no zone, and Date.parse reads a zone-less date in the process's own timezone.
 */
function inGmt(httpDate: string): string {
  return /(?:GMT|UTC|Z|[+-]\d{2}:?\d{2})$/i.test(httpDate) ? httpDate : `${httpDate} GMT`;
}
