/** A report Slack did not take (or a run that died before posting it) is posted by later runs this many days on. */
export const REPORT_RETRY_DAYS = 7;

/** How long a run holds the reports it is posting (a Slack post and its retry take seconds). */
export const REPORT_POST_LEASE_MS = 2 * 60 * 1000;
