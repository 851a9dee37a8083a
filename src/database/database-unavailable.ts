// Driver adapter error kinds (@prisma/adapter-pg) that mean "no connection", not "bad statement".
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
// Prisma's own codes for the same: can't reach, timed out, operation timed out, server closed the connection.
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
// SQLSTATE: class 08 connection exception; 57P01–57P03 admin shutdown, crash shutdown, cannot connect now.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123])$/;
// pg's errors when the socket dies under a query reach us unwrapped, without a code.
const CONNECTION_LOST = /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE/;

/** What Prisma's errors carry: its own code, and the driver adapter's view of the cause. */
export interface PrismaErrorShape {
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
}

/**
 * True when a query failed because the database could not be reached or dropped the connection
 * (a restart, a failover), as opposed to the statement itself failing: only the former is worth
 * waiting out.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, meta } = error as PrismaErrorShape;
  const cause = meta?.driverAdapterError?.cause;
  if (typeof cause?.kind === 'string' && UNAVAILABLE_KINDS.has(cause.kind)) return true;
  if (cause?.kind === 'postgres' && typeof cause.code === 'string')
    return UNAVAILABLE_SQLSTATE.test(cause.code);
  if (typeof code === 'string' && UNAVAILABLE_PRISMA_CODES.has(code)) return true;
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}
