import { isDatabaseUnavailable } from '../database/database-unavailable';

/** First line only, at most 200 characters: driver errors can be long, and this body is served to anonymous probes. */
export function shortMessage(message: unknown): string {
  const text = typeof message === 'string' && message.trim() ? message.trim() : 'unknown error';
  const line = text.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/**
 * A lost database said in words: Prisma's first line names the call site, not the cause (and the lines
 * after it quote source code), so it would tell an operator nothing. Other failures pass through.
 */
export function plainFailure(error: unknown): unknown {
  return isDatabaseUnavailable(error)
    ? new Error('database unreachable: the connection was refused or lost', { cause: error })
    : error;
}
