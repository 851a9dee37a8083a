import type { CronSchedule } from './cron-schedule';

export type CatchUpPlan =
  | { action: 'none' }
  /** first start ever for this job: nothing was missed, start counting from the last due time */
  | { action: 'initialize'; dueAt: Date }
  | { action: 'run'; dueAt: Date; missed: number }
  | { action: 'too_old'; dueAt: Date; missed: number };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * A cron job whose last due time fell while no replica was up runs once on start (not once per
 * missed tick), if that due time is within max(1 h, its period); older misses are only reported.
 */
export function planCatchUp(schedule: CronSchedule, lastDueAt: Date | null, now: Date): CatchUpPlan {
  const period = schedule.periodMs();
  // far enough back to find the previous due time of weekday-only and weekly schedules too
  const lookback = period >= HOUR_MS ? Math.max(8 * DAY_MS, 3 * period) : Math.max(3 * period, 2 * HOUR_MS);
  const from = new Date(Math.max(now.getTime() - lookback, lastDueAt?.getTime() ?? 0));
  const due = schedule.dueTimesBetween(from, now);
  const latest = due.at(-1);
  if (!lastDueAt) return latest ? { action: 'initialize', dueAt: latest } : { action: 'none' };
  if (!latest) return { action: 'none' };
  const window = Math.max(HOUR_MS, period);
  if (now.getTime() - latest.getTime() <= window) return { action: 'run', dueAt: latest, missed: due.length };
  return { action: 'too_old', dueAt: latest, missed: due.length };
}
