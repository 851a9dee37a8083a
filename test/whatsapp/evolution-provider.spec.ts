import { Clock } from '../../src/common/clock';
import { EvolutionProvider } from '../../src/whatsapp/evolution/evolution.provider';
import { HttpJsonClient } from '../../src/whatsapp/http-json-client';
import type { SendResult } from '../../src/whatsapp/whatsapp-provider';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import { FakeClock } from '../utils/fake-clock';
import { testConfig } from '../utils/test-config';

const API_KEY = 'evo-secret-apikey-0123456789';
const PHONE = '5511987654321';
const TEXT = 'Olá! Temos um plantão de UTI amanhã, 19h–7h, R$ 1.800. Tem interesse?';

describe('EvolutionProvider against a fake Evolution API', () => {
  const server = new FakeEvolutionServer({ apiKey: API_KEY, instances: ['medico-sp-1', 'medico-sp-2'] });
  const clock: Clock = new FakeClock('2026-03-02T12:00:00Z');
  let http: HttpJsonClient;
  let provider: EvolutionProvider;

  const build = (overrides: Record<string, string> = {}) =>
    new EvolutionProvider(
      testConfig({
        WHATSAPP_PROVIDER: 'evolution',
        EVOLUTION_API_URL: `${server.url}/`,
        EVOLUTION_API_KEY: API_KEY,
        EVOLUTION_INSTANCE: 'medico-sp-1, medico-sp-2',
        ...overrides,
      }),
      http,
      clock,
    );

  beforeAll(async () => {
    await server.start();
    http = new HttpJsonClient({ timeoutMs: 200, maxSockets: 64 });
    provider = build();
  });
  afterAll(async () => {
    http.close();
    await server.close();
  });
  beforeEach(() => server.reset());

  const send = (instance: string | null = 'medico-sp-2'): Promise<SendResult> =>
    provider.send({ to: PHONE, text: TEXT, instance });

  it('posts the text to /message/sendText/{instance} with the apikey and returns key.id', async () => {
    server.respondWith(fakeReply.ok('3EB0C0FFEE'));

    await expect(send()).resolves.toEqual({ kind: 'sent', providerMessageId: '3EB0C0FFEE' });

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/message/sendText/medico-sp-2');
    expect(request.headers.apikey).toBe(API_KEY);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({ number: PHONE, text: TEXT });
    expect(server.delivered(PHONE)).toBe(1);
  });

  it('lists every configured instance as a sending number and uses the first when none is named', async () => {
    expect(provider.name).toBe('evolution');
    expect(provider.sendingNumbers()).toEqual(['medico-sp-1', 'medico-sp-2']);
    await send(null);
    expect(server.requests[0].sendingNumber).toBe('medico-sp-1');
  });

  it('refuses an instance that is not configured, without calling the gateway', async () => {
    await expect(send('outra')).resolves.toMatchObject({ kind: 'permanent_failure' });
    expect(server.requests).toHaveLength(0);
  });

  it('reuses kept-alive connections across sends', async () => {
    for (let i = 0; i < 5; i++) await send();
    const clientPorts = new Set(server.requests.map((request) => request.remotePort));
    expect(server.requests).toHaveLength(5);
    expect(clientPorts.size).toBe(1);
  });

  it.each([
    [
      '429 with Retry-After',
      fakeReply.tooManyRequests('17'),
      { kind: 'temporary_failure', retryAfterMs: 17_000 },
    ],
    ['429 without Retry-After', fakeReply.tooManyRequests(), { kind: 'temporary_failure' }],
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
    [
      '400',
      fakeReply.badRequest({ status: 400, response: { message: [{ exists: false, number: PHONE }] } }),
      { kind: 'permanent_failure', reason: expect.stringContaining('HTTP 400') },
    ],
    [
      '200 without key.id',
      fakeReply.okWithoutId(),
      { kind: 'permanent_failure', reason: 'no message id in reply (HTTP 200)' },
    ],
    ['a hang (timeout)', fakeReply.hang(), { kind: 'temporary_failure', reason: 'timeout after 200 ms' }],
    [
      'a closed socket',
      fakeReply.closeSocket(),
      { kind: 'temporary_failure', reason: expect.stringMatching(/^network error: /) },
    ],
  ])('classifies %s', async (_name, reply, expected) => {
    server.respondWith(reply);
    const result = await send();
    expect(result).toEqual(expect.objectContaining(expected));
    if (!('retryAfterMs' in expected)) expect(result).not.toHaveProperty('retryAfterMs');
    expect(JSON.stringify(result)).not.toContain(PHONE);
    expect(server.requests).toHaveLength(1);
  });

  it('a wrong API key is a permanent 401 whose reason never quotes a key', async () => {
    const wrongKey = 'evo-wrong-apikey-9876543210';
    const result = await build({ EVOLUTION_API_KEY: wrongKey }).send({
      to: PHONE,
      text: TEXT,
      instance: null,
    });
    expect(result).toMatchObject({ kind: 'permanent_failure', reason: expect.stringContaining('HTTP 401') });
    expect(JSON.stringify(result)).not.toContain(wrongKey);
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it('never quotes the API key even when the gateway echoes it back', async () => {
    server.respondWith(fakeReply.status(400, { error: 'bad request', headers: { apikey: API_KEY } }));
    const result = await send();
    expect(result.kind).toBe('permanent_failure');
    expect(JSON.stringify(result)).not.toContain(API_KEY);
    expect(JSON.stringify(result)).toContain('[REDACTED]');
  });

  it('a refused connection is temporary', async () => {
    const closed = new FakeEvolutionServer();
    await closed.start();
    const url = closed.url;
    await closed.close();
    const result = await build({ EVOLUTION_API_URL: url }).send({ to: PHONE, text: TEXT, instance: null });
    expect(result).toEqual({ kind: 'temporary_failure', reason: 'network error: ECONNREFUSED' });
  });
});
