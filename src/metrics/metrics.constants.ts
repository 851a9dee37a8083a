/** Gauges read from the database are reused for this long, so frequent scrapes cost one query. */
export const DATABASE_GAUGE_CACHE_MS = 5_000;

/**
 * A scrape waits this long for those gauges' query, then answers with their last values: well inside
 * Prometheus' default 10 s scrape timeout, as the health check's 2 s is.
 */
export const DATABASE_GAUGE_TIMEOUT_MS = 2_000;

/** job_duration_seconds buckets: from a quick queue poll to JOB_TIMEOUT's default (300 s) and past it. */
export const JOB_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** circuit_state values: one number per state so a dashboard can graph and alert on it. */
export const CIRCUIT_STATE_VALUES = { closed: 0, half_open: 1, open: 2 } as const;

/** queue_claim_seconds buckets: a claim is one statement, a few ms when healthy, seconds when contended. */
export const CLAIM_DURATION_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

/** provider_send_seconds buckets: tens of ms for a healthy gateway, up to PROVIDER_TIMEOUT_SECONDS (≤ 60). */
export const SEND_DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
