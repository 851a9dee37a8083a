/**
 * Every check of /health/workers is raced against this, so a hung database or Redis cannot hang the
 * endpoint (Railway and Docker give up on a probe after a few seconds): a check that does not answer in
 * time is `down`.
 */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;
