import { OnApplicationShutdown } from '@nestjs/common';
import type { Dispatcher } from 'undici';
import { type HttpOutcome, JsonPost, networkErrorCode } from './json-post';
import { OriginConnections } from './origin-connections';
import { WaitingRequests } from './waiting-requests';

export type { HttpOutcome, ReplyHeaders } from './json-post';

interface RequestTarget {
  readonly origin: OriginConnections;
  readonly path: string;
}

// far more than the URLs one provider posts to (one per sending number)
const MAX_CACHED_TARGETS = 256;

export interface HttpJsonClientOptions {
  /** the whole request, from getting a connection (connecting included) to the last byte of the reply */
  readonly timeoutMs: number;
  /** keep-alive connections per origin; more requests wait for one */
  readonly maxSockets: number;
}

/**
 * POSTs JSON over keep-alive connections (undici, one pool per origin) with a deadline, honouring the
 * caller's AbortSignal. Providers classify the outcome; this class only moves bytes. undici rather than
 * node:http: a third of the CPU per request (bench/README.md), and the service sends one per message.
 */
export class HttpJsonClient implements OnApplicationShutdown {
  private readonly origins = new Map<string, OriginConnections>();
  private readonly targets = new Map<string, RequestTarget>();
  /** per `withdraw` signal, the requests still waiting for a connection (one listener per signal, not per request) */
  private readonly waiting = new Map<AbortSignal, WaitingRequests>();

  constructor(private readonly options: HttpJsonClientOptions) {}

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
    let target: RequestTarget;
    let request: Dispatcher.DispatchOptions;
    try {
      target = this.targetOf(url);
      request = {
        path: target.path,
        method: 'POST',
        // the reply is read as plain UTF-8: a gzip body would be a 2xx without an id (never re-sent)
        headers: {
          ...headers,
          accept: 'application/json',
          'accept-encoding': 'identity',
          'content-type': 'application/json',
        },
        body: JSON.stringify(payload),
      };
    } catch (error) {
      // a URL or payload that cannot be sent (never expected: the URLs come from validated configuration)
      return Promise.resolve({
        kind: 'no_reply',
        reason: `invalid request: ${networkErrorCode(error)}`,
        aborted: false,
      });
    }
    return new Promise<HttpOutcome>((resolve) => {
      const post = new JsonPost(request, this.options.timeoutMs, signal, resolve);
      const waits = target.origin.send(post);
      if (waits && withdraw !== undefined) post.waitWith(this.waitingFor(withdraw));
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

  /** Where a URL goes, parsed once: providers post to a handful of URLs, again and again. */
  private targetOf(url: string): RequestTarget {
    let target = this.targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      let origin = this.origins.get(parsed.origin);
      if (origin === undefined) {
        origin = new OriginConnections(parsed.origin, this.options.maxSockets, this.options.timeoutMs);
        this.origins.set(parsed.origin, origin);
      }
      target = { origin, path: `${parsed.pathname}${parsed.search}` };
      if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  // At application shutdown, after the scheduler has drained running jobs: sends in flight finish first.
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const origins = [...this.origins.values()];
    this.origins.clear();
    this.targets.clear();
    await Promise.all(origins.map((origin) => origin.close()));
  }
}
