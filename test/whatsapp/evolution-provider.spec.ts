import { EvolutionProvider } from '../../src/whatsapp/evolution/evolution.provider';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import { sharedCases, urlOfStoppedServer, useProviderHarness } from './provider-harness';

const API_KEY = 'evo-secret-apikey-0123456789';
const PHONE = '5511987654321';
const TEXT = 'Olá! Temos um plantão de UTI amanhã, 19h–7h, R$ 1.800. Tem interesse?';

describe('EvolutionProvider against a fake Evolution API', () => {
  const evolution = useProviderHarness({
    server: new FakeEvolutionServer({ apiKey: API_KEY, instances: ['medico-sp-1', 'medico-sp-2'] }),
    provider: EvolutionProvider,
    env: (serverUrl) => ({
      WHATSAPP_PROVIDER: 'evolution',
      EVOLUTION_API_URL: `${serverUrl}/`,
      EVOLUTION_API_KEY: API_KEY,
      EVOLUTION_INSTANCE: 'medico-sp-1, medico-sp-2',
    }),
    message: { to: PHONE, text: TEXT, instance: 'medico-sp-2' },
  });
  const server = evolution.server;

  it('posts the text to /message/sendText/{instance} with the apikey and returns key.id', async () => {
    server.respondWith(fakeReply.ok('3EB0C0FFEE'));

    await expect(evolution.send()).resolves.toEqual({ kind: 'sent', providerMessageId: '3EB0C0FFEE' });

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

  it('takes the 201 Created that Evolution v2 answers a send with as sent, with its key.id', async () => {
    server.respondWith(
      fakeReply.status(201, {
        key: { remoteJid: `${PHONE}@s.whatsapp.net`, fromMe: true, id: '3EB0CAFE201' },
        status: 'PENDING',
      }),
    );

    await expect(evolution.send()).resolves.toEqual({ kind: 'sent', providerMessageId: '3EB0CAFE201' });
  });

  it('lists every configured instance as a sending number and uses the first when none is named', async () => {
    expect(evolution.provider.name).toBe('evolution');
    expect(evolution.provider.sendingNumbers()).toEqual(['medico-sp-1', 'medico-sp-2']);
    await evolution.send(null);
    expect(server.requests[0].sendingNumber).toBe('medico-sp-1');
  });

  it('refuses an instance that is not configured, without calling the gateway', async () => {
    await expect(evolution.send('outra')).resolves.toMatchObject({ kind: 'permanent_failure' });
    expect(server.requests).toHaveLength(0);
  });

  it('reuses kept-alive connections across sends', async () => {
    for (let i = 0; i < 10; i++) await evolution.send();
    const clientPorts = new Set(server.requests.map((request) => request.remotePort));
    expect(server.requests).toHaveLength(10);
    // undici's pool may hand the next send to a second connection while the first is still finishing the
    // previous reply; never a connection per send
    expect(clientPorts.size).toBeLessThanOrEqual(2);
  });

  it.each([
    [
      '429 with Retry-After',
      fakeReply.tooManyRequests('17'),
      { kind: 'temporary_failure', retryAfterMs: 17_000 },
    ],
    ['429 without Retry-After', fakeReply.tooManyRequests(), { kind: 'temporary_failure' }],
    ...sharedCases.serverErrors,
    [
      '400',
      fakeReply.badRequest({ status: 400, response: { message: [{ exists: false, number: PHONE }] } }),
      { kind: 'permanent_failure', reason: expect.stringContaining('HTTP 400') },
    ],
    [
      '400 "Connection Closed" (the instance\'s WhatsApp socket is down)',
      fakeReply.badRequest({
        status: 400,
        error: 'Bad Request',
        response: { message: ['Error: Connection Closed'] },
      }),
      {
        kind: 'temporary_failure',
        reason: expect.stringContaining('Connection Closed'),
        surelyNotSent: true,
      },
    ],
    [
      '400 "Connection Closed" as a plain message',
      fakeReply.badRequest({ status: 400, response: { message: 'Connection Closed' } }),
      { kind: 'temporary_failure', surelyNotSent: true },
    ],
    [
      '404 "instance does not exist" (deleted on the gateway, still in EVOLUTION_INSTANCE)',
      fakeReply.status(404, {
        status: 404,
        error: 'Not Found',
        response: { message: ['The "medico-sp-2" instance does not exist'] },
      }),
      { kind: 'temporary_failure', reason: expect.stringContaining('HTTP 404'), surelyNotSent: true },
    ],
    [
      '400 for a body the gateway refuses',
      fakeReply.badRequest({ status: 400, response: { message: ['text is required'] } }),
      { kind: 'permanent_failure', surelyNotSent: true },
    ],
    sharedCases.okWithoutId('key.id'),
    ...sharedCases.connectionFailures,
    ...sharedCases.cutShortReplies,
    ...sharedCases.notFromTheApi,
  ])('classifies %s', async (_name, reply, expected) => {
    const result = await evolution.sendAnswered(reply);
    expect(result).toEqual(expect.objectContaining(expected));
    if (!('retryAfterMs' in expected)) expect(result).not.toHaveProperty('retryAfterMs');
    expect(JSON.stringify(result)).not.toContain(PHONE);
    expect(server.requests).toHaveLength(1);
  });

  it('a wrong API key (401) is the gateway refusing every message: temporary, surely not sent; its reason never quotes a key', async () => {
    const wrongKey = 'evo-wrong-apikey-9876543210';
    const result = await evolution.sendWith({ EVOLUTION_API_KEY: wrongKey });
    expect(result).toMatchObject({
      kind: 'temporary_failure',
      surelyNotSent: true,
      reason: expect.stringContaining('HTTP 401'),
    });
    expect(JSON.stringify(result)).not.toContain(wrongKey);
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });

  it('never quotes the API key even when the gateway echoes it back', async () => {
    const result = await evolution.sendAnswered(
      fakeReply.status(400, { error: 'bad request', headers: { apikey: API_KEY } }),
    );
    expect(result.kind).toBe('permanent_failure');
    expect(JSON.stringify(result)).not.toContain(API_KEY);
    expect(JSON.stringify(result)).toContain('[REDACTED]');
  });

  it('a refused connection is temporary, and surely not sent', async () => {
    const url = await urlOfStoppedServer(new FakeEvolutionServer());
    const result = await evolution.sendWith({ EVOLUTION_API_URL: url });
    expect(result).toEqual({
      kind: 'temporary_failure',
      reason: 'network error: ECONNREFUSED',
      surelyNotSent: true,
    });
  });
});
