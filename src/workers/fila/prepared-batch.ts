import type { ClaimedMessage } from './claimed-message';
import type { MessageOutcome } from './message-outcome';
import type { RateRequest } from './outbound-rate-limiter';

/** A message that passed screening: its rate limits are reserved with its wave, right before it is sent. */
export interface ScreenedMessage {
  readonly message: ClaimedMessage;
  readonly request: RateRequest;
}

/** A screened message holding a rate-limit reservation on `sendingNumber`. */
export interface ReadyToSend extends ScreenedMessage {
  readonly sendingNumber: string;
  /** the `now` its rate limits were reserved at: a reservation given back returns to those windows */
  readonly reservedAt: Date;
}

/** A claimed batch, screened, waiting for its waves of sends. */
export interface PreparedBatch {
  readonly size: number;
  /** the earliest claim of the batch: the reaper's clock for its rows starts here */
  readonly claimedAt: Date;
  /** outcomes already decided by screening */
  readonly settled: readonly MessageOutcome[];
  readonly screened: readonly ScreenedMessage[];
}

/** what a claim that found no due row prepares */
export const NOTHING_CLAIMED: PreparedBatch = {
  size: 0,
  claimedAt: new Date(0),
  settled: [],
  screened: [],
};
