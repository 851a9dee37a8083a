import { HttpJsonClient } from '../../src/whatsapp/http-json-client';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { FakeMetaServer } from '../fakes/fake-meta-server';
import { fakeReply } from '../fakes/fake-reply';

// The fakes are shared by the queue worker's tests: their own behaviour is pinned here.
describe('fake provider servers', () => {
  const evolution = new FakeEvolutionServer({ instances: ['a'] });
  const meta = new FakeMetaServer({ phoneNumberId: '1065' });
  const client = new HttpJsonClient({ timeoutMs: 1_000, maxSockets: 8 });

  beforeAll(() => Promise.all([evolution.start(), meta.start()]));
  afterAll(async () => {
    await client.close();
    await Promise.all([evolution.close(), meta.close()]);
  });
  beforeEach(() => {
    evolution.reset();
    meta.reset();
  });

  const toEvolution = (number: string) =>
    client.post(`${evolution.url}/message/sendText/a`, {}, { number, text: 't' });

  it('answers the planned sequence in order, then the fallback', async () => {
    evolution.respondWith(fakeReply.serverError(503), fakeReply.tooManyRequests('1'), fakeReply.ok('id-3'));
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const outcome = await toEvolution('5511999990000');
      statuses.push(outcome.kind === 'reply' ? outcome.status : outcome.kind);
    }
    expect(statuses).toEqual([503, 429, 200, 200, 200]);
    expect(evolution.requests.map((request) => request.messageId)).toEqual([
      undefined,
      undefined,
      'id-3',
      expect.stringMatching(/^3EB0/),
      expect.stringMatching(/^3EB0/),
    ]);

    evolution.respondAlways(fakeReply.serverError(500));
    const after = await toEvolution('5511999990000');
    expect(after).toMatchObject({ status: 500 });
  });

  it('counts requests and accepted messages per recipient', async () => {
    evolution.respondWith(fakeReply.serverError(500));
    await toEvolution('5511000000001');
    await toEvolution('5511000000001');
    await toEvolution('5511000000002');
    expect(evolution.received('5511000000001')).toBe(2);
    expect(evolution.delivered('5511000000001')).toBe(1);
    expect(evolution.deliveredByRecipient()).toEqual(
      new Map([
        ['5511000000001', 1],
        ['5511000000002', 1],
      ]),
    );
  });

  it('answers an unknown instance with 404 and an unknown phone number id as the Graph API does, and records it', async () => {
    const unknownInstance = await client.post(`${evolution.url}/message/sendText/zzz`, {}, { number: '1' });
    const unknownNumberId = await client.post(`${meta.url}/v21.0/9999/messages`, {}, { to: '1' });
    expect(unknownInstance).toMatchObject({ status: 404 });
    expect(unknownNumberId).toMatchObject({
      status: 400,
      json: { error: { type: 'GraphMethodException', code: 100, error_subcode: 33 } },
    });
    expect(evolution.requests[0].answeredWith).toBe('not_found');
    expect(meta.requests[0].answeredWith).toBe('not_found');
  });

  it('serves the Cloud API path with or without a version prefix', async () => {
    await client.post(`${meta.url}/1065/messages`, {}, { to: '5511000000003' });
    await client.post(`${meta.url}/v21.0/1065/messages`, {}, { to: '5511000000003' });
    expect(meta.delivered('5511000000003')).toBe(2);
    expect(meta.requests.map((request) => request.sendingNumber)).toEqual(['1065', '1065']);
  });
});
