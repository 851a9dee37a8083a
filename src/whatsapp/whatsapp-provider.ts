/** One outbound text message as a provider sees it. */
export interface OutboundMessage {
  /** digits only, country code first (leads.telefone) */
  readonly to: string;
  readonly text: string;
  /** the sending number: an Evolution instance name; null for providers with a single number */
  readonly instance: string | null;
}

/**
 * What a send attempt came to. Failures are values: the queue decides retry or dead letter. A failure is
 * `surelyNotSent` when the provider refused the request (a 4xx, 429 included), no connection to it could
 * be made, or it never left this process; without it (5xx, no reply, a 2xx that could not be read) the
 * message may have gone out, and the queue keeps the rate-limit share it took.
 */
export type SendResult =
  | { readonly kind: 'sent'; readonly providerMessageId: string }
  /**
   * 429, 5xx, network error, timeout, or a 4xx that refuses the sending number itself (its socket or
   * account is down): the message may be retried (CONTRACT §6)
   */
  | {
      readonly kind: 'temporary_failure';
      readonly reason: string;
      readonly retryAfterMs?: number;
      /**
       * our side cancelled the request (the caller's AbortSignal: shutdown or job timeout), so it says
       * nothing about the provider's health; the message may or may not have reached the provider
       */
      readonly aborted?: true;
      readonly surelyNotSent?: true;
    }
  /** any other 4xx (the message's own fault): retrying would fail the same way */
  | { readonly kind: 'permanent_failure'; readonly reason: string; readonly surelyNotSent?: true }
  /** the caller withdrew it before it left this process (see `send`): the provider never saw it */
  | { readonly kind: 'withdrawn' };

/** Evolution API, WhatsApp Cloud API or console, behind one interface (src/whatsapp). */
export abstract class WhatsAppProvider {
  /** `evolution`, `meta` or `console` */
  abstract readonly name: string;
  /** the sending numbers this provider can use (Evolution instances; one entry otherwise) */
  abstract sendingNumbers(): readonly string[];
  /**
   * `signal` cancels the send wherever it is (its outcome may then be unknown); `withdraw` cancels it only
   * while it still waits for a connection, so a `withdrawn` result means it surely was not sent.
   */
  abstract send(message: OutboundMessage, signal?: AbortSignal, withdraw?: AbortSignal): Promise<SendResult>;
}
