/** The lock store could not answer (Redis down or timing out): nobody knows who holds the lock. */
export class LockUnavailableError extends Error {
  constructor(operation: string, resource: string, cause: unknown) {
    super(
      `lock service unavailable: ${operation} lock:${resource} failed: ${(cause as Error)?.message ?? cause}`,
      {
        cause,
      },
    );
    this.name = 'LockUnavailableError';
  }
}
