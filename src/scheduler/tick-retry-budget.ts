// A store that does not answer at a due time (a Redis or PostgreSQL restart or failover, a few seconds) is
// asked again for this long, backing off, but never for more than a quarter of the job's period: a 08:00
// weekday tick that met the blip would otherwise be lost for the day, and a retry must not run into the
// job's next tick.
const STORE_RETRY_MS = 10_000;

/** How long one due tick waits for its lock store or its database to answer again. */
export function tickRetryBudgetMs(periodMs: number): number {
  return Math.min(STORE_RETRY_MS, periodMs / 4);
}
