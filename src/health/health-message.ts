import { isDatabaseUnavailable } from '../database/database-unavailable';
import { driverMessage, isPrismaError } from '../database/driver-message';

/** First line only, at most 200 characters: driver errors can be long, and this body is served to anonymous probes. */
export function shortMessage(message: unknown): string {
  const text = typeof message === 'string' && message.trim() ? message.trim() : 'unknown error';
  const line = text.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/**
 * A database failure said in words: Prisma's first line names the call site, not the cause (and the lines
 * after it quote source code), so it would tell an operator nothing. A lost database is said plainly; a
 * statement that failed keeps the driver's own words (a missing table, a revoked grant). Other failures
 * pass through.
 */
export function plainFailure(error: unknown): unknown {
  if (isDatabaseUnavailable(error))
    return new Error('database unreachable: the connection was refused or lost', { cause: error });
  if (isPrismaError(error)) return new Error(driverMessage(error, 200), { cause: error });
  return error;
}
