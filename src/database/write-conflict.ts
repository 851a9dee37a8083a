import type { PrismaErrorShape } from './database-unavailable';

// The driver adapter's kind for SQLSTATE 40001 (serialization failure) and 40P01 (deadlock detected).
const CONFLICT_KIND = 'TransactionWriteConflict';
// Prisma's own code for the same.
const CONFLICT_PRISMA_CODE = 'P2034';
const CONFLICT_SQLSTATE = new Set(['40001', '40P01']);

/**
 * True when PostgreSQL rolled a statement back because it met another transaction's locks in a cycle (a
 * deadlock) or could not be serialized with it: nothing was written, and the same statement run again
 * will normally succeed. Worth a retry only for statements that can safely run twice.
 */
export function isWriteConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as PrismaErrorShape;
  const cause = meta?.driverAdapterError?.cause;
  if (cause?.kind === CONFLICT_KIND) return true;
  if (typeof cause?.code === 'string' && CONFLICT_SQLSTATE.has(cause.code)) return true;
  return code === CONFLICT_PRISMA_CODE || (typeof code === 'string' && CONFLICT_SQLSTATE.has(code));
}
