import type { PrismaErrorShape } from './database-unavailable';

// SQLSTATE 55P03 lock_not_available: lock_timeout ran out (or NOWAIT found the row held).
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * True when a statement gave up waiting for a row another session holds (its transaction set
 * `lock_timeout`): nothing was written, and the same work will normally succeed once the row is free.
 */
export function isLockTimeout(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as PrismaErrorShape;
  return meta?.driverAdapterError?.cause?.code === LOCK_NOT_AVAILABLE || code === LOCK_NOT_AVAILABLE;
}
