import { JobNames } from '../scheduler/job-names';

/** The job that checks the alert rules; runs through the scheduler like every other job. */
export const CHECK_ALERTS_JOB = JobNames.checkAlerts;
export const CHECK_ALERTS_INTERVAL_MS = 60_000;

/** SPEC "Alerts": the thresholds. */
export const AlertThresholds = {
  queueSize: 100,
  runSeconds: 60,
  failuresPerJob: 3,
  failureWindowMs: 5 * 60_000,
  schedulerLagSeconds: 30,
  oldestDueSeconds: 15 * 60,
} as const;

/**
 * Finished runs and scheduled starts are looked at over this window: a bit more than the check interval,
 * so a run that ended between two checks is seen by one of them.
 */
export const RECENT_WINDOW_MS = 5 * 60_000;

/** One cooldown (SPEC: 30 min) and one "resolved" message per kind. */
export const AlertKinds = {
  queueSize: 'queue_size',
  longRun: 'long_run',
  jobFailures: 'job_failures',
  schedulerLag: 'scheduler_lag',
  oldestDue: 'queue_oldest_due',
} as const;
export type AlertKind = (typeof AlertKinds)[keyof typeof AlertKinds];

/** Redis key marking a kind whose alert was posted and has not been resolved yet. */
export const alertActiveKey = (kind: AlertKind) => `alert:active:${kind}`;
