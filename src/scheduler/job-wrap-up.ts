import type { JobContext } from './job.types';

/**
 * Fires when a job that loops over units of work (batches, pages, items) should start no new one: at
 * JOB_TIMEOUT, or as soon as the service begins shutting down. Calls already in flight keep
 * `context.signal`, so a unit in hand is finished unless the deadline itself has come.
 */
export function wrapUpSignal(context: JobContext): AbortSignal {
  return AbortSignal.any([context.signal, context.stopping]);
}

/** What a job's details say about why it stopped before its work was done, if it was told to. */
export function earlyStopDetails(context: JobContext): { aborted?: true; stopped_for_shutdown?: true } {
  if (context.signal.aborted) return { aborted: true };
  if (context.stopping.aborted) return { stopped_for_shutdown: true };
  return {};
}
