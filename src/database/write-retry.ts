import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from './database-unavailable';

export interface WriteRetryOptions {
  /** how long to keep trying; the first attempt is always made, even with no budget left */
  readonly budgetMs: number;
  /** which failures are worth another attempt (default: the database was unreachable) */
  readonly retryIf?: (error: unknown) => boolean;
  /** called before each new attempt with the error of the one that failed */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 1_000;

/**
 * Runs an idempotent write until it lands or the budget is spent, then throws its last error. For
 * writes that record what has already happened (a send started, a message sent, a run finished): while
 * the database is briefly away (a restart, a failover) they wait for it, instead of leaving the row to a
 * reaper that can only guess what happened. Any other failure (the statement itself) throws at once.
 */
export async function retryWrite<T>(write: () => Promise<T>, options: WriteRetryOptions): Promise<T> {
  const deadline = Date.now() + options.budgetMs;
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(options.retryIf ?? isDatabaseUnavailable)(error) || Date.now() + delay > deadline) throw error;
      options.onRetry?.(error, attempt);
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
