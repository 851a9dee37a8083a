// The runner records a run `timeout` at JOB_TIMEOUT; the margin lets it do so before the server cancels
// the statement, so a run stuck in one statement reads `timeout`, not the cancellation's error.
const MARGIN_MS = 2_000;

/**
 * The pool's server-side `statement_timeout`. Every statement on it belongs to a run bounded by
 * JOB_TIMEOUT or is short (history, locks, health, admin; migrations use their own connection), so
 * nothing legitimate runs longer; a statement waiting on a row lock another session holds would
 * otherwise keep its run's handler, and the job lock renewed for it, for as long as that session lives.
 */
export function statementTimeoutMs(jobTimeoutMs: number): number {
  return jobTimeoutMs + MARGIN_MS;
}
