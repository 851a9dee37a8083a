/** The rate-limit store (Redis) did not answer: nobody knows the counts, so sending must pause. */
export class RateLimiterUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`rate limiter unavailable: ${operation} failed: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'RateLimiterUnavailableError';
  }
}
