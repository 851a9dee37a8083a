import { MetaCloudProvider } from '../../src/whatsapp/meta/meta-cloud.provider';
import { FakeMetaServer } from '../fakes/fake-meta-server';
import { fakeReply } from '../fakes/fake-reply';
import {
  sharedCases,
  urlOfStoppedServer,
  useProviderHarness,
  type ClassificationCase,
} from './provider-harness';

const TOKEN = 'EAAGmeta-secret-access-token-abcdef';
const PHONE_NUMBER_ID = '106540352242922';
const PHONE = '5521998887766';
const TEXT = 'Bom dia! Confirma o plantão de sábado no Hospital São Lucas?';

/** Refusals of the business number or its account: every message would get the same until it is fixed. */
const accountRefusals: [name: string, status: number, code: number][] = [
  ['access token has expired', 401, 190],
  ['account has been locked', 403, 131031],
  ['temporarily blocked for policies violations', 403, 368],
  ['permission denied', 403, 10],
  ['API permission', 403, 200],
  ['capability or permissions issue', 400, 3],
  ['business eligibility payment issue', 400, 131042],
  ['display name needs approval', 400, 131037],
  ['account not registered', 400, 133010],
];

describe('MetaCloudProvider against a fake Cloud API', () => {
  const meta = useProviderHarness({
    server: new FakeMetaServer({ accessToken: TOKEN, phoneNumberId: PHONE_NUMBER_ID }),
    provider: MetaCloudProvider,
    env: (serverUrl) => ({
      WHATSAPP_PROVIDER: 'meta',
      META_API_URL: `${serverUrl}/v21.0`,
      META_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      META_ACCESS_TOKEN: TOKEN,
    }),
    message: { to: PHONE, text: TEXT, instance: null },
  });
  const server = meta.server;

  it('posts to {META_API_URL}/{phone number id}/messages with the bearer token and returns messages[0].id', async () => {
    server.respondWith(fakeReply.ok('wamid.HBgLNTUyMTk5ODg4Nzc2NhUCABEYEjA'));

    await expect(meta.send()).resolves.toEqual({
      kind: 'sent',
      providerMessageId: 'wamid.HBgLNTUyMTk5ODg4Nzc2NhUCABEYEjA',
    });

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.apikey).toBeUndefined();
    expect(request.body).toEqual({
      messaging_product: 'whatsapp',
      to: PHONE,
      type: 'text',
      text: { body: TEXT },
    });
    expect(server.delivered(PHONE)).toBe(1);
  });

  it('has one sending number: the phone number id', () => {
    expect(meta.provider.name).toBe('meta');
    expect(meta.provider.sendingNumbers()).toEqual([PHONE_NUMBER_ID]);
  });

  it.each([
    [
      '429 with Retry-After',
      fakeReply.tooManyRequests('5'),
      { kind: 'temporary_failure', retryAfterMs: 5_000 },
    ],
    ...sharedCases.serverErrors,
    [
      '400 (recipient not allowed)',
      fakeReply.badRequest({
        error: { message: '(#131030) Recipient phone number not in allowed list', code: 131030 },
      }),
      { kind: 'permanent_failure', reason: expect.stringContaining('HTTP 400') },
    ],
    [
      '400 with a throughput code (130429)',
      fakeReply.badRequest({ error: { message: '(#130429) Rate limit hit', code: 130429 } }),
      { kind: 'temporary_failure', reason: expect.stringContaining('130429') },
    ],
    [
      '400 with the pair rate code (131056)',
      fakeReply.badRequest({ error: { message: '(#131056) pair rate limit hit', code: 131056 } }),
      { kind: 'temporary_failure' },
    ],
    ...accountRefusals.map(([name, status, code]): ClassificationCase => [
      `${status} ${name} (${code})`,
      fakeReply.status(status, { error: { message: `(#${code}) ${name}`, type: 'OAuthException', code } }),
      { kind: 'temporary_failure', reason: expect.stringContaining(`HTTP ${status}`), surelyNotSent: true },
    ]),
    [
      '403 restricted from messaging users in this country (130497)',
      fakeReply.status(403, {
        error: {
          message: '(#130497) Business account is restricted from messaging users in this country',
          code: 130497,
        },
      }),
      { kind: 'permanent_failure', reason: expect.stringContaining('HTTP 403'), surelyNotSent: true },
    ],
    sharedCases.okWithoutId('messages[0].id'),
    ...sharedCases.connectionFailures,
    ...sharedCases.cutShortReplies,
    ...sharedCases.notFromTheApi,
  ])('classifies %s', async (_name, reply, expected) => {
    const result = await meta.sendAnswered(reply);
    expect(result).toEqual(expect.objectContaining(expected));
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(1);
  });

  it('an expired token (401, code 190) fails the number, not the message; its reason never quotes a token', async () => {
    const expired = 'EAAGexpired-token-zyxwvu-987';
    const result = await meta.sendWith({ META_ACCESS_TOKEN: expired });
    expect(result).toMatchObject({
      kind: 'temporary_failure',
      reason: expect.stringContaining('HTTP 401'),
      surelyNotSent: true,
    });
    expect(result).toMatchObject({ reason: expect.stringContaining('Invalid OAuth access token') });
    expect(JSON.stringify(result)).not.toContain(expired);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('a phone number id that does not exist or the token cannot reach (400, code 100, subcode 33) fails the number, not the message', async () => {
    const result = await meta.sendWith({ META_PHONE_NUMBER_ID: '106540352242999' });
    expect(result).toEqual({
      kind: 'temporary_failure',
      reason: expect.stringContaining(
        'HTTP 400: {"error":{"message":"Unsupported post request. Object with ID \'',
      ),
      surelyNotSent: true,
    });
    // code 100 alone is a parameter of this message, e.g. a text over the API's limit: permanent
    const tooLong = await meta.sendAnswered(
      fakeReply.badRequest({
        error: {
          message: "(#100) Param text['body'] must be at most 4096 characters long.",
          type: 'OAuthException',
          code: 100,
        },
      }),
    );
    expect(tooLong).toMatchObject({ kind: 'permanent_failure', surelyNotSent: true });
  });

  it('never quotes the token even when an error echoes it back', async () => {
    // plain text: not the Graph API's JSON, so something in front of it answered (see sharedCases)
    const result = await meta.sendAnswered(fakeReply.status(403, `forbidden for Bearer ${TOKEN}`));
    expect(result).toEqual({
      kind: 'temporary_failure',
      reason: 'HTTP 403: forbidden for Bearer [REDACTED]',
      surelyNotSent: true,
    });
  });

  it('a refused connection is temporary, and surely not sent', async () => {
    const url = await urlOfStoppedServer(new FakeMetaServer());
    const result = await meta.sendWith({ META_API_URL: url });
    expect(result).toEqual({
      kind: 'temporary_failure',
      reason: 'network error: ECONNREFUSED',
      surelyNotSent: true,
    });
  });
});
