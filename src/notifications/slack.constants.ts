/** A Slack webhook that does not answer in this time is treated as down (one retry follows). */
export const SLACK_TIMEOUT_MS = 5_000;

/** Pause before the single retry of a failed post. */
export const SLACK_RETRY_DELAY_MS = 500;

/**
 * A 429 whose Retry-After is longer than this is not retried by the same post: the poster (an alert check,
 * a report or handoff run) is not held up, and posts again on its next run.
 */
export const SLACK_MAX_RETRY_WAIT_MS = 5_000;

/** The same kind of alert is posted at most once per this period, across replicas (SPEC: 30 min). */
export const ALERT_COOLDOWN_MS = 30 * 60 * 1000;

/** Redis key of an alert kind's cooldown (CONTRACT §5: nothing here must survive a Redis restart). */
export const alertCooldownKey = (kind: string) => `alert:cooldown:${kind}`;
