/** The window each snapshot measures. */
export const PILOT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A trip alert Slack did not take is posted again by later runs, while the trip is this recent. */
export const TRIP_ALERT_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** How long a run holds the trip alerts it is posting (a Slack post and its retry take seconds). */
export const TRIP_ALERT_LEASE_MS = 2 * 60 * 1000;

/** The trip rule (SPEC: pilot_mode): judged only with at least this many messages. */
export const TRIP_MIN_MESSAGES = 20;
export const TRIP_MAX_OPT_OUT_RATE = 0.05;
export const TRIP_MAX_ERROR_RATE = 0.1;
