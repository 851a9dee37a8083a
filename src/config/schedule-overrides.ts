import { CronTime } from 'cron';

// A Date cannot hold an epoch-aligned due time much further out, and no job needs more than a year.
const MAX_INTERVAL_MS = 366 * 24 * 60 * 60_000;

/**
 * `JOB_SCHEDULE_OVERRIDES` lets an operator (or a test) change a job's schedule without a deploy:
 * `name=<cron expression>` or `name=<N>s` for an interval, separated by `;`.
 * e.g. `temperature_decay=*\/5 * * * *;process_queue=2s`.
 */
export type ScheduleOverride =
  { kind: 'cron'; expression: string } | { kind: 'interval'; milliseconds: number };

export function parseScheduleOverrides(text: string): ReadonlyMap<string, ScheduleOverride> {
  const overrides = new Map<string, ScheduleOverride>();
  for (const entry of text.split(';')) {
    if (!entry.trim()) continue;
    const separator = entry.indexOf('=');
    const name = entry.slice(0, separator).trim();
    const value = entry.slice(separator + 1).trim();
    if (separator < 0 || !/^[a-z][a-z0-9_]*$/.test(name) || !value)
      throw new Error(`entry "${entry.trim()}" must look like job_name=<cron> or job_name=<seconds>s`);
    if (overrides.has(name)) throw new Error(`${name} is given twice; keep one schedule for it`);
    const interval = /^(\d+(?:\.\d+)?)s$/.exec(value);
    if (interval) {
      const milliseconds = Math.round(Number(interval[1]) * 1000);
      if (milliseconds < 100) throw new Error(`interval for ${name} must be at least 0.1s`);
      if (milliseconds > MAX_INTERVAL_MS) throw new Error(`interval for ${name} must be at most 366 days`);
      overrides.set(name, { kind: 'interval', milliseconds });
    } else {
      checkCron(name, value);
      overrides.set(name, { kind: 'cron', expression: value });
    }
  }
  return overrides;
}

/** A malformed or never-firing expression is a configuration error, not a crash at start-up. */
function checkCron(name: string, expression: string): void {
  try {
    new CronTime(expression, 'UTC').getNextDateFrom(new Date(), 'UTC');
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0].trim();
    throw new Error(`cron expression for ${name} is invalid: ${reason}`, { cause: error });
  }
}
