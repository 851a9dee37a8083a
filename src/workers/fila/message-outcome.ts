/** The final word on one claimed message, written once by FilaRepository.finish. */
export type MessageOutcome =
  | {
      readonly kind: 'sent';
      readonly id: string;
      readonly providerMessageId: string;
      readonly sendingNumber: string;
    }
  | { readonly kind: 'blocked'; readonly id: string; readonly reason: string }
  /** permanent failure or dead letter: `erro` with the reason */
  | {
      readonly kind: 'failed';
      readonly id: string;
      readonly reason: string;
      readonly attemptCounted: boolean;
    }
  /** back to `pendente` until `until`; an attempt is counted only for retried failures */
  | {
      readonly kind: 'deferred';
      readonly id: string;
      readonly until: Date;
      readonly reason: string;
      readonly attemptCounted: boolean;
    }
  /** back to `pendente` as it was, no attempt counted: shutdown, or sending paused (Redis down) */
  | { readonly kind: 'released'; readonly id: string; readonly reason: string };
