/** How a fake provider server answers one request. */
export type FakeReply =
  /** 200 with the provider's success body; `id` generated when absent */
  | { readonly kind: 'ok'; readonly id?: string; readonly delayMs?: number }
  /** 200 with a JSON body that has no message id */
  | { readonly kind: 'ok_without_id' }
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly body?: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** reads the request and never answers (for client timeouts) */
  | { readonly kind: 'hang' }
  /** reads the request and destroys the socket without a reply */
  | { readonly kind: 'close_socket' }
  /** accepts the message (200, its id generated) but sends only half the body, then hangs or drops the connection */
  | { readonly kind: 'ok_cut_short'; readonly then: 'hang' | 'close' };

export const fakeReply = {
  ok: (id?: string, delayMs?: number): FakeReply => ({ kind: 'ok', id, delayMs }),
  okWithoutId: (): FakeReply => ({ kind: 'ok_without_id' }),
  status: (status: number, body?: unknown, headers?: Record<string, string>): FakeReply => ({
    kind: 'status',
    status,
    body,
    headers,
  }),
  tooManyRequests: (retryAfter?: string): FakeReply => ({
    kind: 'status',
    status: 429,
    body: { error: 'Too Many Requests' },
    headers: retryAfter === undefined ? undefined : { 'retry-after': retryAfter },
  }),
  serverError: (status = 500): FakeReply => ({
    kind: 'status',
    status,
    body: { error: 'Internal Server Error' },
  }),
  badRequest: (body: unknown = { error: 'Bad Request' }): FakeReply => ({
    kind: 'status',
    status: 400,
    body,
  }),
  hang: (): FakeReply => ({ kind: 'hang' }),
  closeSocket: (): FakeReply => ({ kind: 'close_socket' }),
  okCutShort: (then: 'hang' | 'close'): FakeReply => ({ kind: 'ok_cut_short', then }),
};
