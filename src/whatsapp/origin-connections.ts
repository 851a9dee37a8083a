import { Pool } from 'undici';
import type { JsonPost } from './json-post';
import { PROVIDER_IDLE_SOCKET_MS } from './whatsapp.constants';

/**
 * The keep-alive connections to one provider origin, and the requests waiting for one. At most
 * `connections` requests are handed to undici at once; the rest wait here, where nothing of them has been
 * written, so a waiting request can be withdrawn (undici's own queue only drops a request once it reaches
 * a connection, and then closes that connection).
 */
export class OriginConnections {
  private readonly pool: Pool;
  private inFlight = 0;
  private readonly waiting: JsonPost[] = [];
  // After the callers' continuations (setImmediate runs once the microtasks are done): a caller that
  // withdraws its waiting sends on a reply (a circuit that just opened) must do so before the freed
  // connection carries one of them. undici reuses the connection no sooner anyway.
  private readonly onFinished = () => setImmediate(this.release);
  private readonly release = () => {
    this.inFlight--;
    this.dispatchWaiting();
  };

  constructor(
    origin: string,
    private readonly connections: number,
    timeoutMs: number,
  ) {
    this.pool = new Pool(origin, {
      connections,
      // closed before a Node server (the Evolution API is one) closes it under a new send; see the constant
      keepAliveTimeout: PROVIDER_IDLE_SOCKET_MS,
      keepAliveMaxTimeout: PROVIDER_IDLE_SOCKET_MS,
      // each JsonPost's own deadline settles it on time; this one frees its connection slot, up to about
      // a second later (undici's coarse timers)
      connectTimeout: timeoutMs,
      // each JsonPost has one deadline for the whole request
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** Dispatches the request now when a connection is free; otherwise it waits, and `true` says so. */
  send(post: JsonPost): boolean {
    if (this.inFlight < this.connections) {
      this.inFlight++;
      post.dispatchOn(this.pool, this.onFinished);
      return false;
    }
    this.waiting.push(post);
    return true;
  }

  async close(): Promise<void> {
    for (const post of this.waiting.splice(0))
      post.settleUndispatched({ kind: 'no_reply', reason: 'client closed', aborted: false });
    await this.pool.destroy();
  }

  private dispatchWaiting(): void {
    while (this.inFlight < this.connections && this.waiting.length > 0) {
      const post = this.waiting.shift() as JsonPost;
      if (post.isSettled) continue; // withdrawn or aborted while it waited
      this.inFlight++;
      post.dispatchOn(this.pool, this.onFinished);
    }
  }
}
