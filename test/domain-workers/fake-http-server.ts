import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly rawBody: string;
  /** the body parsed as JSON, or undefined */
  readonly body: unknown;
  /** when it arrived (Date.now()) */
  readonly at: number;
}

export interface FakeResponse {
  status: number;
  body?: string;
  contentType?: string;
  /** more response headers (e.g. Retry-After) */
  headers?: Record<string, string>;
  /** answer only after this long (to trip the client's timeout) */
  delayMs?: number;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for Slack or the briefing URL: records every request and
 * answers with the queued responses, then with the default one.
 */
export class FakeHttpServer {
  readonly requests: ReceivedRequest[] = [];
  private readonly queued: FakeResponse[] = [];
  private readonly server: Server;
  private fallback: FakeResponse = { status: 200, body: 'ok', contentType: 'text/plain' };

  constructor() {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = 1_000;
  }

  /** where to send requests; valid after start() */
  url = '';

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** every later request gets this */
  answer(response: FakeResponse): void {
    this.fallback = response;
  }

  /** the next requests get these, in order */
  answerNext(...responses: FakeResponse[]): void {
    this.queued.push(...responses);
  }

  reset(): void {
    this.requests.length = 0;
    this.queued.length = 0;
    this.fallback = { status: 200, body: 'ok', contentType: 'text/plain' };
  }

  texts(): string[] {
    return this.requests.map((request) => (request.body as { text?: string } | undefined)?.text ?? '');
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let rawBody = '';
    for await (const chunk of request) rawBody += (chunk as Buffer).toString();
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {}
    const at = Date.now();
    this.requests.push({ method: request.method ?? '', path: request.url ?? '', rawBody, body, at });
    const reply = this.queued.shift() ?? this.fallback;
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (response.destroyed) return;
    response.writeHead(reply.status, { ...reply.headers, 'content-type': reply.contentType ?? 'text/plain' });
    response.end(reply.body ?? '');
  }
}

/** A FakeHttpServer listening for the enclosing describe, its requests and answers reset before each test. */
export function useFakeHttpServer(): FakeHttpServer {
  const server = new FakeHttpServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => server.reset());
  return server;
}
