import { AsyncLocalStorage } from 'node:async_hooks';

export interface JobLogFields {
  readonly job: string;
  readonly execution_id: string;
}

const currentRun = new AsyncLocalStorage<JobLogFields>();

/**
 * CONTRACT §8: a run's lines carry `job` and `execution_id`. The job's own logger (JobLogger) writes them,
 * but what a run calls logs through its own (Slack, the WhatsApp providers, the database): the runner runs
 * the handler inside this context, and pino's mixin adds the fields to every line written meanwhile.
 */
export function runWithJobLogFields<T>(fields: JobLogFields, fn: () => T): T {
  return currentRun.run(fields, fn);
}

/** The fields of the run a line is written in, none outside a run; a new object each time (pino merges into it). */
export function jobLogFields(): Partial<JobLogFields> {
  const fields = currentRun.getStore();
  return fields ? { ...fields } : {};
}

/**
 * Runs `fn` as if no run were in progress: for events of resources that outlive the run that opened them (a
 * pooled database connection failing while idle), which would otherwise be logged under that finished run.
 */
export function outsideRun<T>(fn: () => T): T {
  return currentRun.exit(fn);
}
