import { RETRY_JITTER_RATIO } from './fila.constants';
import type { ClaimedMessage } from './claimed-message';
import type { SendOutcome } from './message-outcome';

/**
 * A temporary failure (429, 5xx, network) costs one attempt: back to `pendente` after `backoffMs` for
 * that attempt (2, 4, 8 min by default; the last repeats) plus jitter, so a burst of failures does not come
 * back as a burst — or `erro`, the dead-letter set, once `max_tentativas` is reached. A provider's
 * Retry-After is honoured when it asks for longer.
 */
export function retryOrDeadLetter(
  message: ClaimedMessage,
  reason: string,
  now: Date,
  backoffMs: readonly number[],
  retryAfterMs = 0,
  random: () => number = Math.random,
): Extract<SendOutcome, { kind: 'failed' | 'deferred' }> {
  const attempts = message.tentativas + 1;
  if (attempts >= message.maxTentativas)
    return {
      kind: 'failed',
      id: message.id,
      reason: `dead_letter after ${attempts} attempts: ${reason}`,
      attemptCounted: true,
    };
  const base = backoffMs[Math.min(attempts - 1, backoffMs.length - 1)];
  const delay = Math.max(base + Math.round(base * RETRY_JITTER_RATIO * random()), retryAfterMs);
  return {
    kind: 'deferred',
    id: message.id,
    until: new Date(now.getTime() + delay),
    reason,
    attemptCounted: true,
  };
}
