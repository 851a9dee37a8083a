import type { ClaimedMessage } from './claimed-message';
import type { MessageOutcome } from './message-outcome';
import type { RateRequest } from './outbound-rate-limiter';

/** A message that passed screening and holds a rate-limit reservation on `sendingNumber`. */
export interface ReadyToSend {
  readonly message: ClaimedMessage;
  readonly request: RateRequest;
  readonly sendingNumber: string;
}

/** A claimed batch, screened and with its rate limits reserved, waiting for its waves of sends. */
export interface PreparedBatch {
  readonly size: number;
  /** the earliest claim of the batch: the reaper's clock for its rows starts here */
  readonly claimedAt: Date;
  /** the `now` its rate limits were reserved at: a reservation given back returns to those windows */
  readonly reservedAt: Date;
  /** outcomes already decided: screened out, deferred by a limit, or released because sending paused */
  readonly settled: readonly MessageOutcome[];
  readonly ready: readonly ReadyToSend[];
  /** set when the rate limits could not be checked (Redis unreachable): nothing is ready */
  readonly pausedBecause: string | null;
}

/** what a claim that found no due row prepares */
export const NOTHING_CLAIMED: PreparedBatch = {
  size: 0,
  claimedAt: new Date(0),
  reservedAt: new Date(0),
  settled: [],
  ready: [],
  pausedBecause: null,
};
