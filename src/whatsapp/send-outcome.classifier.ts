import { isStorableText } from '../common/storable-text';
import type { HttpOutcome } from './http-json-client';
import { replyExcerpt } from './reply-excerpt';
import { parseRetryAfter } from './retry-after';
import type { SendResult } from './whatsapp-provider';

/** What a provider knows about its own replies. */
export interface ReplyReader {
  /** the message id in a 2xx reply, if there is one */
  messageIdOf(json: unknown): string | undefined;
  /** a 4xx (other than 429) that the provider documents as "slow down" rather than "bad request" */
  isThrottling?(json: unknown): boolean;
  /**
   * a 4xx that refuses the sending number or its account (socket down, instance gone, token expired,
   * account locked) rather than this message: every message through that number would get the same
   */
  isSendingNumberDown?(json: unknown, status: number): boolean;
  /** the credentials sent with the request: never quoted in a reason */
  readonly secrets: readonly string[];
}

/**
 * CONTRACT §6: 2xx with an id → sent; 429, 5xx, no reply → temporary (the message is kept); any other 4xx →
 * permanent, as it is the message's own fault — unless it refuses the sending number itself, or is not
 * the API's JSON at all: that is temporary like a 5xx (the circuit counts it, the message waits for the
 * number). A 2xx without an id is permanent too: the provider accepted something we cannot track, and
 * sending it again could deliver it twice; so is a 2xx whose body never fully arrived. Anything else (1xx, 3xx: a misconfigured URL) is
 * temporary, so an operator can fix the configuration before the attempts run out.
 */
export function classifySendOutcome(outcome: HttpOutcome, reader: ReplyReader, now: Date): SendResult {
  if (outcome.kind === 'withdrawn') return outcome;
  if (outcome.kind === 'no_reply' && outcome.statusSeen !== undefined && isSuccess(outcome.statusSeen))
    // the provider accepted the message and the reply broke off: sending it again could deliver it twice
    return {
      kind: 'permanent_failure',
      reason: `reply cut short after HTTP ${outcome.statusSeen} (${outcome.reason}): the message may have been delivered`,
    };
  if (outcome.kind === 'no_reply') {
    if (outcome.aborted) return { kind: 'temporary_failure', reason: outcome.reason, aborted: true };
    // a connection never made: the message's share of the caps goes back (its attempt and the circuit's
    // failure still count: the gateway is down)
    return outcome.notSent
      ? { kind: 'temporary_failure', reason: outcome.reason, surelyNotSent: true }
      : { kind: 'temporary_failure', reason: outcome.reason };
  }

  const { status } = outcome;
  if (isSuccess(status)) {
    const id = reader.messageIdOf(outcome.json);
    return id === undefined
      ? {
          kind: 'permanent_failure',
          reason: `no message id in reply (HTTP ${status}): the message may have been delivered`,
        }
      : { kind: 'sent', providerMessageId: id };
  }

  const reason = describe(status, outcome.body, reader.secrets);
  if (status === 429 || (status >= 400 && status < 500 && reader.isThrottling?.(outcome.json) === true)) {
    const retryAfterMs = parseRetryAfter(outcome.headers['retry-after'], now);
    return retryAfterMs === undefined
      ? { kind: 'temporary_failure', reason, surelyNotSent: true }
      : { kind: 'temporary_failure', reason, retryAfterMs, surelyNotSent: true };
  }
  if (status >= 400 && status < 500 && reader.isSendingNumberDown?.(outcome.json, status) === true)
    return { kind: 'temporary_failure', reason, surelyNotSent: true };
  // Both APIs answer every error in JSON: a 4xx that is not JSON comes from something in front of the API
  // (a proxy whose route is gone while the gateway restarts, a WAF, a wrong URL) and says nothing about
  // the message, which the API never saw.
  if (status >= 400 && status < 500 && outcome.json === undefined)
    return { kind: 'temporary_failure', reason, surelyNotSent: true };
  if (status >= 400 && status < 500) return { kind: 'permanent_failure', reason, surelyNotSent: true };
  return { kind: 'temporary_failure', reason };
}

function describe(status: number, body: string, secrets: readonly string[]): string {
  const excerpt = replyExcerpt(body, secrets);
  return excerpt === '' ? `HTTP ${status}` : `HTTP ${status}: ${excerpt}`;
}

/**
 * `value` when it is a non-empty string (ids are read out of untyped JSON) that PostgreSQL can store: one
 * with a NUL or half a surrogate pair would fail the statement that writes the whole wave's outcomes.
 */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && isStorableText(value) ? value : undefined;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
