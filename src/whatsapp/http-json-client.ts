import { OnApplicationShutdown } from '@nestjs/common';
import http, { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { WaitingRequests } from './waiting-requests';
import { MAX_REPLY_BYTES, PROVIDER_IDLE_SOCKET_MS } from './whatsapp.constants';

/** What a POST came to: a reply of any status, or no reply at all. Never an exception. */
export type HttpOutcome =
  | {
      readonly kind: 'reply';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
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
    }
  /** the caller's `withdraw` signal fired while the request still waited for a connection: nothing was sent */
  | { readonly kind: 'withdrawn' };

interface RequestTarget {
  readonly module: typeof http | typeof https;
  readonly options: http.RequestOptions;
}

// far more than the URLs one provider posts to (one per sending number)
const MAX_CACHED_TARGETS = 256;

export interface HttpJsonClientOptions {
  /** the whole request, from getting a connection (connecting included) to the last byte of the reply */
  readonly timeoutMs: number;
  readonly maxSockets: number;
}

/**
 * POSTs JSON over keep-alive connections (one pool per protocol) with a deadline, honouring the caller's
 * AbortSignal. Providers classify the outcome; this class only moves bytes.
 */
export class HttpJsonClient implements OnApplicationShutdown {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly targets = new Map<string, RequestTarget>();
  /** per `withdraw` signal, the requests still waiting for a connection (one listener per signal, not per request) */
  private readonly waiting = new Map<AbortSignal, WaitingRequests>();

  constructor(private readonly options: HttpJsonClientOptions) {
    // the agent's timeout only closes sockets in its free pool; a request in flight has its own deadline
    const pool = { keepAlive: true, maxSockets: options.maxSockets, timeout: PROVIDER_IDLE_SOCKET_MS };
    this.httpAgent = new http.Agent(pool);
    this.httpsAgent = new https.Agent(pool);
  }

  /**
   * `signal` cancels the request wherever it is, even after the provider may have received it.
   * `withdraw` cancels it only while it waits for one of `maxSockets` connections, before a byte is
   * written; once the request has a connection it is ignored, so a withdrawn request surely never left.
   */
  post(
    url: string,
    headers: Readonly<Record<string, string>>,
    payload: unknown,
    signal?: AbortSignal,
    withdraw?: AbortSignal,
  ): Promise<HttpOutcome> {
    if (withdraw?.aborted) return Promise.resolve({ kind: 'withdrawn' });
    if (signal?.aborted) return Promise.resolve({ kind: 'no_reply', reason: 'aborted', aborted: true });
    const target = this.targetOf(url);
    // a string body goes out in one write with the headers (a Buffer would be a second chunk)
    const body = JSON.stringify(payload);

    return new Promise<HttpOutcome>((resolve) => {
      const waitingWith = withdraw === undefined ? undefined : this.waitingFor(withdraw);
      let settled = false;
      let timedOut = false;
      let replied = false;
      const settle = (outcome: HttpOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onCallerAbort);
        waitingWith?.delete(onWithdraw);
        resolve(outcome);
      };
      const fail = (error: unknown) =>
        settle({
          kind: 'no_reply',
          reason: timedOut
            ? `timeout after ${this.options.timeoutMs} ms`
            : signal?.aborted
              ? 'aborted'
              : `network error: ${errorCode(error)}`,
          aborted: !timedOut && signal?.aborted === true,
        });
      const request = target.module.request(
        {
          ...target.options,
          method: 'POST',
          headers: {
            ...headers,
            accept: 'application/json',
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          replied = true;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < MAX_REPLY_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('error', fail);
          // the connection dropped mid-body (no 'end' will come)
          response.on('close', () => {
            if (!response.complete) fail(Object.assign(new Error('reply cut short'), { code: 'ECONNRESET' }));
          });
          response.on('end', () => {
            const text = Buffer.concat(chunks).subarray(0, MAX_REPLY_BYTES).toString('utf8');
            settle({
              kind: 'reply',
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: text,
              json: parseJson(text),
            });
          });
        },
      );
      // One timer and a destroy, not an AbortController per request: this runs for every message sent.
      // It starts once the request has a connection: a request queued for one of maxSockets has not
      // reached the provider, so waiting there must not time it out (nor cost its message an attempt).
      let timer: NodeJS.Timeout | undefined;
      let connected = false;
      request.once('socket', () => {
        // emitted before the request's buffered bytes are flushed to the socket: from here it may arrive
        connected = true;
        waitingWith?.delete(onWithdraw);
        if (settled) return;
        timer = setTimeout(() => {
          timedOut = true;
          request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
        }, this.options.timeoutMs);
      });
      const onCallerAbort = () => request.destroy(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
      signal?.addEventListener('abort', onCallerAbort, { once: true });
      // destroyed before its 'socket' event, a request is never written: Node hands it a connection only
      // to close it (or give the connection to the next request in line)
      const onWithdraw = () => {
        if (connected) return;
        settle({ kind: 'withdrawn' });
        request.destroy(Object.assign(new Error('withdrawn'), { code: 'ABORT_ERR' }));
      };
      waitingWith?.add(onWithdraw);
      request.on('error', fail);
      // closed before any reply without an 'error' (never expected; a promise left pending would hang a send)
      request.on('close', () => {
        if (!replied) fail(Object.assign(new Error('closed'), { code: 'ECONNRESET' }));
      });
      request.end(body);
    });
  }

  private waitingFor(withdraw: AbortSignal): WaitingRequests {
    let requests = this.waiting.get(withdraw);
    if (requests === undefined) {
      requests = new WaitingRequests(withdraw, () => this.waiting.delete(withdraw));
      this.waiting.set(withdraw, requests);
    }
    return requests;
  }

  /** The request options of a URL, parsed once: providers post to a handful of URLs, again and again. */
  private targetOf(url: string): RequestTarget {
    let target = this.targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      const secure = parsed.protocol === 'https:';
      target = {
        module: secure ? https : http,
        options: { ...urlToHttpOptions(parsed), agent: secure ? this.httpsAgent : this.httpAgent },
      };
      if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  // At application shutdown, after the scheduler has drained running jobs: sends in flight finish first.
  onApplicationShutdown(): void {
    this.close();
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

// Only the code: a Node error message can quote the URL or the address, never needed in a reason.
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
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
