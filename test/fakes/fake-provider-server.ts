import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeReply } from './fake-reply';

export interface RecordedRequest {
  readonly method: string;
  /** path and query, as received */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** the body parsed as JSON (undefined when it is not JSON) */
  readonly body: unknown;
  /** the phone the message is addressed to (Evolution `number`, Cloud API `to`) */
  readonly recipient: string | undefined;
  /** the sending number the request names (Evolution instance, Cloud API phone number id) */
  readonly sendingNumber: string | undefined;
  /** how the fake answered it: the reply kind, or `unauthorized` / `not_found` */
  readonly answeredWith: FakeReply['kind'] | 'unauthorized' | 'not_found';
  /** the reply given to a send request (status, headers, delay), undefined for `unauthorized` / `not_found` */
  readonly reply: FakeReply | undefined;
  /** Date.now() when the whole request had arrived */
  readonly receivedAt: number;
  /** the message id the fake answered with, when it answered `ok` */
  readonly messageId: string | undefined;
  /** the client's port: equal ports mean a reused (kept-alive) connection */
  readonly remotePort: number | undefined;
}

export interface ParsedRoute {
  readonly sendingNumber: string;
  readonly recipient: string | undefined;
}

/**
 * A WhatsApp provider played by a real HTTP server on 127.0.0.1 (a random port). It records every
 * request, answers from a sequence given by the test (`respondWith`) and then with the fallback (200 with an
 * id unless `respondAlways` says otherwise). A sending number can have its own sequence and fallback
 * (`respondOn`, `respondAlwaysOn`), which win over the general ones: a test plays phases on one number
 * (429, then 500, then hanging) while the others behave. Subclasses know the provider's paths, credentials
 * and bodies.
 */
export abstract class FakeProviderServer {
  readonly requests: RecordedRequest[] = [];
  /** the most requests the fake held open at once (arrived, not yet answered) */
  peakOpen = 0;
  private open = 0;
  private readonly server: Server = createServer((request, response) => this.handle(request, response));
  private readonly planned: FakeReply[] = [];
  private fallback: FakeReply = { kind: 'ok' };
  private readonly plannedOn = new Map<string, FakeReply[]>();
  private readonly fallbackOn = new Map<string, { cycle: readonly FakeReply[]; next: number }>();
  private nextId = 1;
  private readonly receivedListeners: Array<(request: RecordedRequest) => void> = [];

  /** the base URL, without a trailing slash; valid after start() */
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** the next requests are answered with these, in order; later ones with the fallback */
  respondWith(...replies: FakeReply[]): this {
    this.planned.push(...replies);
    return this;
  }

  /** the answer once the planned sequence is used up */
  respondAlways(reply: FakeReply): this {
    this.fallback = reply;
    return this;
  }

  /** the next requests on this sending number are answered with these, in order */
  respondOn(sendingNumber: string, ...replies: FakeReply[]): this {
    this.plannedOn.set(sendingNumber, [...(this.plannedOn.get(sendingNumber) ?? []), ...replies]);
    return this;
  }

  /**
   * From now on, requests on this sending number whose planned replies are used up get these replies in
   * turn (one reply: always that one), e.g. `respondAlwaysOn('n1', tooManyRequests('6'), tooManyRequests())`.
   */
  respondAlwaysOn(sendingNumber: string, ...cycle: FakeReply[]): this {
    this.fallbackOn.set(sendingNumber, { cycle, next: 0 });
    return this;
  }

  /**
   * Calls `listener` with each send request as it arrives, before it is answered: e.g. to move a test's
   * clock on, as if the provider took that long to answer.
   */
  whenReceived(listener: (request: RecordedRequest) => void): this {
    this.receivedListeners.push(listener);
    return this;
  }

  /** forgets the requests, the planned replies, the fallbacks and the listeners */
  reset(): void {
    this.requests.length = 0;
    this.peakOpen = this.open;
    this.receivedListeners.length = 0;
    this.planned.length = 0;
    this.fallback = { kind: 'ok' };
    this.plannedOn.clear();
    this.fallbackOn.clear();
  }

  /** requests on this sending number (whatever the answer) */
  receivedOn(sendingNumber: string): RecordedRequest[] {
    return this.requests.filter((request) => request.sendingNumber === sendingNumber);
  }

  /** requests addressed to this phone (whatever the answer) */
  received(recipient: string): number {
    return this.requests.filter((request) => request.recipient === recipient).length;
  }

  /** requests addressed to this phone that the fake accepted with a message id */
  delivered(recipient: string): number {
    return this.requests.filter((request) => request.recipient === recipient && accepted(request)).length;
  }

  /** accepted messages per recipient */
  deliveredByRecipient(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const request of this.requests)
      if (accepted(request) && request.recipient !== undefined)
        counts.set(request.recipient, (counts.get(request.recipient) ?? 0) + 1);
    return counts;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** the sending number and recipient of a send request, or null when the path is not the send route */
  protected abstract parseRoute(path: string, body: unknown): ParsedRoute | null;
  protected abstract isAuthorized(headers: IncomingHttpHeaders, sendingNumber: string): boolean;
  protected abstract unauthorizedBody(): unknown;
  protected abstract okBody(id: string, recipient: string | undefined): unknown;
  protected abstract generateId(sequence: number): string;

  /** the answer to a request that names no send route or an unknown sending number */
  protected notFoundReply(_path: string): { status: number; body: unknown } {
    return { status: 404, body: { error: 'Not Found' } };
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.peakOpen = Math.max(this.peakOpen, ++this.open);
    response.on('close', () => this.open--);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const body = parseJson(rawBody);
      const path = request.url ?? '';
      const route = request.method === 'POST' ? this.parseRoute(path, body) : null;
      const receivedAt = Date.now();
      const record = (
        answeredWith: RecordedRequest['answeredWith'],
        reply?: FakeReply,
        messageId?: string,
      ) => {
        const recorded: RecordedRequest = {
          method: request.method ?? '',
          path,
          headers: request.headers,
          rawBody,
          body,
          recipient: route?.recipient,
          sendingNumber: route?.sendingNumber,
          answeredWith,
          reply,
          receivedAt,
          messageId,
          remotePort: request.socket.remotePort,
        };
        this.requests.push(recorded);
        if (route !== null) for (const listener of this.receivedListeners) listener(recorded);
      };

      if (route === null) {
        record('not_found');
        const notFound = this.notFoundReply(path);
        return json(response, notFound.status, notFound.body);
      }
      if (!this.isAuthorized(request.headers, route.sendingNumber)) {
        record('unauthorized');
        return json(response, 401, this.unauthorizedBody());
      }
      const reply = this.nextReply(route.sendingNumber);
      switch (reply.kind) {
        case 'ok': {
          const id = reply.id ?? this.generateId(this.nextId++);
          record('ok', reply, id);
          const answer = () => json(response, 200, this.okBody(id, route.recipient));
          if (reply.delayMs) setTimeout(answer, reply.delayMs);
          else answer();
          return;
        }
        case 'ok_without_id':
          record(reply.kind, reply);
          return json(response, 200, { status: 'PENDING' });
        case 'status':
          record(reply.kind, reply);
          return json(response, reply.status, reply.body ?? {}, reply.headers);
        case 'hang':
          record(reply.kind, reply);
          return;
        case 'close_socket':
          record(reply.kind, reply);
          request.socket.destroy();
          return;
        case 'ok_cut_short': {
          const id = this.generateId(this.nextId++);
          record(reply.kind, reply, id);
          const text = JSON.stringify(this.okBody(id, route.recipient));
          response.writeHead(200, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
          });
          response.write(text.slice(0, Math.floor(text.length / 2)));
          if (reply.then === 'close') setTimeout(() => request.socket.destroy(), 20);
          return;
        }
      }
    });
  }

  private nextReply(sendingNumber: string): FakeReply {
    const planned = this.plannedOn.get(sendingNumber)?.shift();
    if (planned !== undefined) return planned;
    const own = this.fallbackOn.get(sendingNumber);
    if (own !== undefined && own.cycle.length > 0) return own.cycle[own.next++ % own.cycle.length];
    return this.planned.shift() ?? this.fallback;
  }
}

/** the fake took the message: a full reply with its id, or one cut short after the status line */
function accepted(request: RecordedRequest): boolean {
  return request.answeredWith === 'ok' || request.answeredWith === 'ok_cut_short';
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
