/** What an outcome of a provider call carries: when its send started (its mark) and the number used. */
export interface SendAttempt {
  readonly sendStartedAt?: Date;
  readonly sendingNumber?: string;
}

/** The final word on one claimed message, written once by FilaRepository.record. */
export type MessageOutcome =
  | {
      readonly kind: 'sent';
      readonly id: string;
      readonly providerMessageId: string;
      readonly sendingNumber: string;
      readonly sendStartedAt?: Date;
    }
  | { readonly kind: 'blocked'; readonly id: string; readonly reason: string }
  /** permanent failure or dead letter: `erro` with the reason */
  | ({
      readonly kind: 'failed';
      readonly id: string;
      readonly reason: string;
      readonly attemptCounted: boolean;
    } & SendAttempt)
  /** back to `pendente` until `until`; an attempt is counted only for retried failures */
  | ({
      readonly kind: 'deferred';
      readonly id: string;
      readonly until: Date;
      readonly reason: string;
      readonly attemptCounted: boolean;
    } & SendAttempt)
  /** back to `pendente` as it was, no attempt counted: shutdown, or sending paused (Redis down) */
  | { readonly kind: 'released'; readonly id: string; readonly reason: string };

/** the outcomes a provider call can come to */
export type SendOutcome = Extract<MessageOutcome, { readonly kind: 'sent' | 'failed' | 'deferred' }>;
