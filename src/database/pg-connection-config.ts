import type { ClientConfig } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

/**
 * Prisma's pg adapter sends a Date as a UTC clock reading without an offset, and PostgreSQL reads such a
 * text in the session's TimeZone: on a server or database whose TimeZone is not UTC (Debian's initdb
 * copies the machine's; operators set America/Sao_Paulo to query by hand) every instant written or
 * compared would be off by the offset. Every session is therefore pinned to UTC, whatever DATABASE_URL
 * or the server says; an `options` of DATABASE_URL is kept.
 */
export const UTC_SESSION_OPTION = '-c TimeZone=UTC';

/**
 * DATABASE_URL as node-pg's discrete fields (a `connectionString` would win over any field beside it),
 * with the session pinned to UTC.
 */
export function pgConnectionConfig(connectionString: string): ClientConfig {
  const fromUrl = parseIntoClientConfig(connectionString);
  return { ...fromUrl, options: [fromUrl.options, UTC_SESSION_OPTION].filter(Boolean).join(' ') };
}
