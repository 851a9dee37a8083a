import type { HttpOutcome } from './http-json-client';
import { classifySendOutcome, nonEmptyString, ReplyReader } from './send-outcome.classifier';

const SECRET = 'sk-very-secret-key-123';
const PHONE = '5511987654321';
const now = new Date('2026-03-02T12:00:00Z');
const reader: ReplyReader = {
  secrets: [SECRET],
  messageIdOf: (json) => nonEmptyString((json as { id?: unknown } | undefined)?.id),
  isThrottling: (json) => (json as { code?: unknown } | undefined)?.code === 'slow_down',
  isSendingNumberDown: (json) => (json as { code?: unknown } | undefined)?.code === 'number_down',
};

function reply(status: number, body: unknown = {}, headers: Record<string, string> = {}): HttpOutcome {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { kind: 'reply', status, headers, body: text, json: typeof body === 'string' ? undefined : body };
}

describe('classifySendOutcome', () => {
  it('2xx with an id is sent', () => {
    expect(classifySendOutcome(reply(201, { id: 'abc' }), reader, now)).toEqual({
      kind: 'sent',
      providerMessageId: 'abc',
    });
  });

  it.each([[{}], [{ id: '' }], [{ id: 42 }], ['not json'], [{ id: 'a\u0000b' }], [{ id: 'a\ud83d' }]])(
    '2xx without an id (%j) is permanent',
    (body) => {
      expect(classifySendOutcome(reply(200, body), reader, now)).toEqual({
        kind: 'permanent_failure',
        reason: 'no message id in reply (HTTP 200): the message may have been delivered',
      });
    },
  );

  it('429 is temporary, with the Retry-After wait when given; the provider refused it, so it surely was not sent', () => {
    expect(classifySendOutcome(reply(429, {}, { 'retry-after': '30' }), reader, now)).toEqual({
      kind: 'temporary_failure',
      reason: 'HTTP 429: {}',
      retryAfterMs: 30_000,
      surelyNotSent: true,
    });
    expect(classifySendOutcome(reply(429, ''), reader, now)).toEqual({
      kind: 'temporary_failure',
      reason: 'HTTP 429',
      surelyNotSent: true,
    });
  });

  it.each([500, 502, 503, 504])('%d is temporary, and may have been sent', (status) => {
    expect(classifySendOutcome(reply(status, 'upstream down'), reader, now)).toEqual({
      kind: 'temporary_failure',
      reason: `HTTP ${status}: upstream down`,
    });
  });

  it.each([400, 401, 403, 404, 422])('%d is permanent, and surely was not sent', (status) => {
    expect(classifySendOutcome(reply(status, { error: 'bad' }), reader, now)).toEqual({
      kind: 'permanent_failure',
      reason: `HTTP ${status}: {"error":"bad"}`,
      surelyNotSent: true,
    });
  });

  it.each([400, 403, 404])(
    '%d that is not JSON came from in front of the API (a proxy, a WAF): temporary, surely not sent',
    (status) => {
      expect(classifySendOutcome(reply(status, '<html>nope</html>'), reader, now)).toEqual({
        kind: 'temporary_failure',
        reason: `HTTP ${status}: <html>nope</html>`,
        surelyNotSent: true,
      });
    },
  );

  it('a 4xx the provider documents as throttling is temporary', () => {
    expect(classifySendOutcome(reply(400, { code: 'slow_down' }), reader, now)).toMatchObject({
      kind: 'temporary_failure',
      surelyNotSent: true,
    });
  });

  it.each([400, 401, 403, 404])(
    'a %d that refuses the sending number itself is temporary (the circuit counts it), and surely was not sent',
    (status) => {
      expect(classifySendOutcome(reply(status, { code: 'number_down' }), reader, now)).toEqual({
        kind: 'temporary_failure',
        reason: `HTTP ${status}: {"code":"number_down"}`,
        surelyNotSent: true,
      });
    },
  );

  it('a 5xx that names the sending number is a 5xx still: it may have been sent', () => {
    expect(classifySendOutcome(reply(500, { code: 'number_down' }), reader, now)).toEqual({
      kind: 'temporary_failure',
      reason: 'HTTP 500: {"code":"number_down"}',
    });
  });

  it('a 3xx (misconfigured URL) is temporary, so the message waits for the fix', () => {
    expect(classifySendOutcome(reply(301, ''), reader, now).kind).toBe('temporary_failure');
  });

  it('no reply is temporary; our own abort is marked as such', () => {
    const noReply = (aborted: boolean): HttpOutcome => ({ kind: 'no_reply', reason: 'x', aborted });
    expect(classifySendOutcome(noReply(false), reader, now)).toEqual({
      kind: 'temporary_failure',
      reason: 'x',
    });
    expect(classifySendOutcome(noReply(true), reader, now)).toEqual({
      kind: 'temporary_failure',
      reason: 'x',
      aborted: true,
    });
  });

  it('a 2xx whose body broke off is permanent (the provider took it); any other status cut short is temporary', () => {
    const cutShort = (statusSeen: number): HttpOutcome => ({
      kind: 'no_reply',
      reason: 'network error: ECONNRESET',
      aborted: false,
      statusSeen,
    });
    expect(classifySendOutcome(cutShort(200), reader, now)).toEqual({
      kind: 'permanent_failure',
      reason:
        'reply cut short after HTTP 200 (network error: ECONNRESET): the message may have been delivered',
    });
    expect(classifySendOutcome(cutShort(503), reader, now)).toEqual({
      kind: 'temporary_failure',
      reason: 'network error: ECONNRESET',
    });
  });

  it('quotes at most 200 characters of the body, without the secret and with phones masked', () => {
    const body = `{"echo":{"apikey":"${SECRET}"},"number":"${PHONE}","detail":"${'x'.repeat(500)}"}`;
    const result = classifySendOutcome(reply(400, JSON.parse(body)), reader, now);
    expect(result.kind).toBe('permanent_failure');
    const reason = (result as { reason: string }).reason;
    expect(reason).not.toContain(SECRET);
    expect(reason).not.toContain(SECRET.slice(0, 8));
    expect(reason).not.toContain(PHONE);
    expect(reason).toContain('[REDACTED]');
    expect(reason).toContain('*********4321');
    const excerpt = reason.replace(/^HTTP 400: /, '');
    expect(excerpt.length).toBeLessThanOrEqual(200);
    expect(excerpt.endsWith('…')).toBe(true);
  });

  it('quotes no control character and never cuts a character in half (PostgreSQL could not store either)', () => {
    const binary = classifySendOutcome(
      reply(502, '\u001f\u008b\u0008\u0000\u0000gateway\u0000down'),
      reader,
      now,
    );
    expect(binary).toMatchObject({ reason: 'HTTP 502: gateway down' });
    const emoji = classifySendOutcome(reply(500, `${'x'.repeat(198)}😀 depois`), reader, now);
    expect(emoji).toMatchObject({ reason: `HTTP 500: ${'x'.repeat(198)}…` });
  });

  it('never leaves half a secret at the cut', () => {
    const body = `${'y'.repeat(195)}${SECRET}`;
    const reason = (classifySendOutcome(reply(403, body), reader, now) as { reason: string }).reason;
    expect(reason).not.toContain(SECRET.slice(0, 4));
  });
});
