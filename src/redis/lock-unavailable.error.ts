import { driverMessage } from '../database/driver-message';

/** How every "could not ask the lock store" reason begins, in run history and in `npm run job`'s output. */
export const LOCK_UNAVAILABLE_PREFIX = 'lock service unavailable';

/** The lock store could not answer (Redis down or timing out): nobody knows who holds the lock. */
export class LockUnavailableError extends Error {
  constructor(operation: string, resource: string, cause: unknown) {
    // a skipped run's reason: the driver's own words, not Prisma's multi-line preamble quoting our call site
    super(`${LOCK_UNAVAILABLE_PREFIX}: ${operation} lock:${resource} failed: ${driverMessage(cause)}`, {
      cause,
    });
    this.name = 'LockUnavailableError';
  }
}
