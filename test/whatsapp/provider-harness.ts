import type { Clock } from '../../src/common/clock';
import type { AppConfig } from '../../src/config/app-config';
import { HttpJsonClient } from '../../src/whatsapp/http-json-client';
import type { SendResult, WhatsAppProvider } from '../../src/whatsapp/whatsapp-provider';
import type { FakeProviderServer } from '../fakes/fake-provider-server';
import { fakeReply, type FakeReply } from '../fakes/fake-reply';
import { FakeClock } from '../utils/fake-clock';
import { testConfig } from '../utils/test-config';

type ProviderClass<P> = new (config: AppConfig, http: HttpJsonClient, clock: Clock) => P;

export interface ProviderHarnessOptions<S extends FakeProviderServer, P extends WhatsAppProvider> {
  /** the fake API the provider talks to; started once for the file, reset before each test */
  server: S;
  provider: ProviderClass<P>;
  /** the provider's settings, pointing at the started server */
  env: (serverUrl: string) => Record<string, string>;
  /** what the tests send, and through which sending number unless a test names one */
  message: { to: string; text: string; instance: string | null };
}

/** a reply of the fake API, named for the test title, and what the provider must make of it */
export type ClassificationCase = [name: string, reply: FakeReply, expected: Record<string, unknown>];

/** Server errors: try again later. */
const serverErrors: ClassificationCase[] = [
  [
    '500',
    fakeReply.serverError(500),
    { kind: 'temporary_failure', reason: expect.stringContaining('HTTP 500') },
  ],
  [
    '503',
    fakeReply.serverError(503),
    { kind: 'temporary_failure', reason: expect.stringContaining('HTTP 503') },
  ],
];

/** A 200 whose body lacks the message id (`idField` of the provider's reply): permanent. */
const okWithoutId = (idField: string): ClassificationCase => [
  `200 without ${idField}`,
  fakeReply.okWithoutId(),
  {
    kind: 'permanent_failure',
    reason: 'no message id in reply (HTTP 200): the message may have been delivered',
  },
];

/** No answer at all: try again later. */
const connectionFailures: ClassificationCase[] = [
  ['a hang (timeout)', fakeReply.hang(), { kind: 'temporary_failure', reason: 'timeout after 200 ms' }],
  [
    'a closed socket',
    fakeReply.closeSocket(),
    { kind: 'temporary_failure', reason: expect.stringMatching(/^network error: /) },
  ],
];

/** A 200 whose body never fully arrives: the provider took the message, so it is not sent again. */
const cutShortReplies: ClassificationCase[] = [
  [
    'a 200 whose body stops (timeout)',
    fakeReply.okCutShort('hang'),
    {
      kind: 'permanent_failure',
      reason: 'reply cut short after HTTP 200 (timeout after 200 ms): the message may have been delivered',
    },
  ],
  [
    'a 200 whose connection drops mid-body',
    fakeReply.okCutShort('close'),
    {
      kind: 'permanent_failure',
      reason: expect.stringMatching(/^reply cut short after HTTP 200 \(network error: /),
    },
  ],
];

/**
 * A 4xx that is not the API's JSON comes from something in front of it (a reverse proxy whose route is
 * gone while the gateway restarts, a WAF, a wrong URL): it says nothing about the message, and the API
 * never saw it.
 */
const notFromTheApi: ClassificationCase[] = [
  [
    "a proxy's 404 while the gateway restarts (plain text)",
    fakeReply.status(404, '404 page not found'),
    { kind: 'temporary_failure', reason: 'HTTP 404: 404 page not found', surelyNotSent: true },
  ],
  [
    "a WAF's 403 HTML page",
    fakeReply.status(403, '<html><head><title>403 Forbidden</title></head><body>Forbidden</body></html>'),
    { kind: 'temporary_failure', reason: expect.stringContaining('HTTP 403'), surelyNotSent: true },
  ],
  [
    'a 400 with an empty body',
    fakeReply.status(400, ''),
    { kind: 'temporary_failure', reason: 'HTTP 400', surelyNotSent: true },
  ],
];

/** Replies every provider's API can give, classified alike whatever the provider. */
export const sharedCases = { serverErrors, okWithoutId, connectionFailures, cutShortReplies, notFromTheApi };

/**
 * One provider class against its fake API over real HTTP, through one kept-alive HTTP client with a
 * 200 ms timeout (the timeout the specs' hang cases name).
 */
export class ProviderHarness<S extends FakeProviderServer, P extends WhatsAppProvider> {
  readonly server: S;
  /** built from `env` once the server has started */
  provider!: P;
  private http!: HttpJsonClient;
  private readonly clock = new FakeClock('2026-03-02T12:00:00Z');

  constructor(private readonly options: ProviderHarnessOptions<S, P>) {
    this.server = options.server;
  }

  /** another provider on the same server and client, with some settings changed */
  build(overrides: Record<string, string> = {}): P {
    const config = testConfig({ ...this.options.env(this.server.url), ...overrides });
    return new this.options.provider(config, this.http, this.clock);
  }

  /** the message, through the file's provider */
  send(instance = this.options.message.instance): Promise<SendResult> {
    return this.provider.send({ ...this.options.message, instance });
  }

  /** the message, through the file's provider, with the fake API answering `reply` */
  sendAnswered(reply: FakeReply): Promise<SendResult> {
    this.server.respondWith(reply);
    return this.send();
  }

  /** the message, through a provider built with some settings changed */
  sendWith(overrides: Record<string, string>): Promise<SendResult> {
    return this.build(overrides).send({ ...this.options.message, instance: null });
  }

  async start(): Promise<void> {
    await this.server.start();
    this.http = new HttpJsonClient({ timeoutMs: 200, maxSockets: 64 });
    this.provider = this.build();
  }

  async close(): Promise<void> {
    await this.http.close();
    await this.server.close();
  }
}

/** A ProviderHarness started and closed with the enclosing describe, its server reset before each test. */
export function useProviderHarness<S extends FakeProviderServer, P extends WhatsAppProvider>(
  options: ProviderHarnessOptions<S, P>,
): ProviderHarness<S, P> {
  const harness = new ProviderHarness(options);
  beforeAll(() => harness.start());
  afterAll(() => harness.close());
  beforeEach(() => harness.server.reset());
  return harness;
}

/** the URL of a fake that has just stopped: connecting to it is refused */
export async function urlOfStoppedServer(server: FakeProviderServer): Promise<string> {
  await server.start();
  const url = server.url;
  await server.close();
  return url;
}
