import type { ClaimedMessage } from './claimed-message';
import { retryOrDeadLetter } from './retry-policy';

const NOW = new Date('2026-03-02T13:00:00Z');
const BACKOFF_MS = [2000, 4000, 8000];

// only what the policy reads
const message = (tentativas: number, maxTentativas = 10) =>
  ({ id: 'fila-1', tentativas, maxTentativas }) as ClaimedMessage;

const delayOf = (tentativas: number, retryAfterMs = 0, random = () => 0) => {
  const outcome = retryOrDeadLetter(
    message(tentativas),
    'temporary: HTTP 500',
    NOW,
    BACKOFF_MS,
    retryAfterMs,
    random,
  );
  if (outcome.kind !== 'deferred') throw new Error(`expected a retry, got ${outcome.kind}`);
  return outcome.until.getTime() - NOW.getTime();
};

describe('retryOrDeadLetter', () => {
  it('waits the configured backoff of the attempt that failed; the last one repeats', () => {
    expect([0, 1, 2, 3, 7].map((tentativas) => delayOf(tentativas))).toEqual([2000, 4000, 8000, 8000, 8000]);
  });

  it('adds up to 20 % jitter, never less than the backoff', () => {
    expect(delayOf(0, 0, () => 0.5)).toBe(2200);
    expect(delayOf(2, 0, () => 0.999)).toBe(9598);
  });

  it('honours a longer Retry-After and ignores a shorter one', () => {
    expect(delayOf(0, 6000)).toBe(6000);
    expect(delayOf(1, 1000)).toBe(4000);
  });

  it('counts the attempt, and dead-letters with the reason at max_tentativas', () => {
    expect(retryOrDeadLetter(message(0), 'temporary: HTTP 429', NOW, BACKOFF_MS)).toMatchObject({
      kind: 'deferred',
      reason: 'temporary: HTTP 429',
      attemptCounted: true,
    });
    expect(retryOrDeadLetter(message(2, 3), 'temporary: HTTP 503', NOW, BACKOFF_MS)).toEqual({
      kind: 'failed',
      id: 'fila-1',
      reason: 'dead_letter after 3 attempts: temporary: HTTP 503',
      attemptCounted: true,
    });
  });
});
