import type { Dispatcher } from 'undici';
import type { WaitingRequests } from './waiting-requests';
import { MAX_REPLY_BYTES } from './whatsapp.constants';

export type ReplyHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What a POST came to: a reply of any status, or no reply at all. Never an exception. */
export type HttpOutcome =
  | {
      readonly kind: 'reply';
      readonly status: number;
      /** names in lower case */
      readonly headers: ReplyHeaders;
      /** the body as text (cut at MAX_REPLY_BYTES) */
      readonly body: string;
      /** the body parsed as JSON, or undefined when it is not JSON */
      readonly json: unknown;
    }
  | {
      readonly kind: 'no_reply';
      /** short and free of secrets: an error code such as ECONNREFUSED, or "timeout after 200 ms" */
      readonly reason: string;
      /** the caller's signal fired (as opposed to our timeout or the network) */
      readonly aborted: boolean;
      /** the reply's status when its headers came but its body did not (the request did reach the server) */
      readonly statusSeen?: number;
      /** no connection could be made (refused, name not resolved): nothing of the request was written */
      readonly notSent?: true;
    }
  /** the caller's `withdraw` signal fired while the request still waited for a connection: nothing was sent */
  | { readonly kind: 'withdrawn' };

const ABORTED: HttpOutcome = { kind: 'no_reply', reason: 'aborted', aborted: true };

/**
 * Errors raised while connecting, before a byte of the request is written: the provider surely never saw
 * it (a gateway restarting refuses connections). A reset or a timeout may come after the request left.
 */
const CONNECT_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const WITHDRAWN: HttpOutcome = { kind: 'withdrawn' };

/**
 * One POST, and its own undici handler: one object (and its two callbacks) per message sent. It waits
 * (in OriginConnections) until one of the origin's connections is free, is then dispatched, and settles
 * exactly once. `finished` tells the origin when undici is done with it, which may be after it settled (a
 * request abandoned by its deadline is dropped by undici once it reaches its connection).
 */
export class JsonPost implements Dispatcher.DispatchHandler {
  private settled = false;
  private dispatched = false;
  private controller: Dispatcher.DispatchController | undefined;
  /** set when we gave up on the request before undici started it: it is aborted when it starts */
  private abandonedWith: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private status = 0;
  private headers: ReplyHeaders = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private finished: (() => void) | undefined;
  /** the caller's `withdraw` signal, while this request waits for a connection */
  private waitingWith: WaitingRequests | undefined;

  constructor(
    readonly request: Dispatcher.DispatchOptions,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
    private readonly resolve: (outcome: HttpOutcome) => void,
  ) {
    signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Called when the request has to wait for a connection: until then, `withdraw` may take it back. */
  waitWith(withdraw: WaitingRequests | undefined): void {
    this.waitingWith = withdraw;
    withdraw?.add(this);
  }

  /** The caller's `withdraw` signal fired: only a request not yet dispatched is taken back. */
  withdraw(): void {
    if (!this.dispatched) this.settle(WITHDRAWN);
  }

  /**
   * Hands the request to undici. Its deadline starts here, once a connection is free for it: waiting for
   * one must not time a request out, nor cost its message an attempt.
   */
  dispatchOn(dispatcher: Dispatcher, finished: () => void): void {
    this.dispatched = true;
    this.stopWaiting();
    this.finished = finished;
    this.timer = setTimeout(this.onTimeout, this.timeoutMs);
    dispatcher.dispatch(this.request, this);
  }

  /** Settles a request that was never dispatched (withdrawn, or its client closed). */
  settleUndispatched(outcome: HttpOutcome): void {
    if (!this.dispatched) this.settle(outcome);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Thrown rather than controller.abort(): undici then drops the request before writing it and keeps
    // the connection, where abort() would destroy a healthy keep-alive socket.
    if (this.abandonedWith !== undefined) throw this.abandonedWith;
    this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ReplyHeaders,
  ): void {
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size < MAX_REPLY_BYTES) this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    this.finish();
    const text = Buffer.concat(this.chunks).subarray(0, MAX_REPLY_BYTES).toString('utf8');
    this.settle({
      kind: 'reply',
      status: this.status,
      headers: this.headers,
      body: text,
      json: parseJson(text),
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.finish();
    const code = networkErrorCode(error);
    const outcome = this.noReply(`network error: ${code}`, false);
    this.settle(CONNECT_ERRORS.has(code) ? { ...outcome, notSent: true } : outcome);
  }

  private readonly onTimeout = (): void => {
    this.giveUp(this.noReply(`timeout after ${this.timeoutMs} ms`, false));
  };

  private readonly onCallerAbort = (): void => {
    if (this.dispatched) this.giveUp(this.noReply('aborted', true));
    else this.settle(ABORTED);
  };

  private noReply(reason: string, aborted: boolean): Extract<HttpOutcome, { kind: 'no_reply' }> {
    return this.status === 0
      ? { kind: 'no_reply', reason, aborted }
      : { kind: 'no_reply', reason, aborted, statusSeen: this.status };
  }

  private giveUp(outcome: HttpOutcome): void {
    if (this.settled) return;
    this.settle(outcome);
    const reason = Object.assign(new Error(outcome.kind === 'no_reply' ? outcome.reason : 'gave up'), {
      code: 'ABORT_ERR',
    });
    if (this.controller === undefined) this.abandonedWith = reason;
    else this.controller.abort(reason);
  }

  private settle(outcome: HttpOutcome): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onCallerAbort);
    this.stopWaiting();
    this.resolve(outcome);
  }

  private stopWaiting(): void {
    this.waitingWith?.delete(this);
    this.waitingWith = undefined;
  }

  private finish(): void {
    const finished = this.finished;
    this.finished = undefined;
    finished?.();
  }
}

// Only the code: an error message can quote the URL or the address, never needed in a reason.
export function networkErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  // undici names a connection closed under a request UND_ERR_SOCKET; an operator knows it as ECONNRESET
  if (code === 'UND_ERR_SOCKET') return typeof cause === 'string' ? cause : 'ECONNRESET';
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
