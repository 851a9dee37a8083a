import { getEventListeners } from 'node:events';
import { HttpJsonClient } from '../../src/whatsapp/http-json-client';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';

describe('HttpJsonClient', () => {
  const server = new FakeEvolutionServer();
  let client: HttpJsonClient;
  let sendUrl: string;

  beforeAll(async () => {
    await server.start();
    sendUrl = `${server.url}/message/sendText/one`;
    client = new HttpJsonClient({ timeoutMs: 300, maxSockets: 2 });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });
  beforeEach(() => server.reset());

  it('posts JSON and hands back the status, headers, text and parsed body', async () => {
    server.respondWith(fakeReply.status(418, { teapot: true }, { 'x-trace': 't-1' }));
    const outcome = await client.post(sendUrl, { 'x-extra': 'yes' }, { number: '1', text: 'ç' });
    expect(outcome).toMatchObject({
      kind: 'reply',
      status: 418,
      body: '{"teapot":true}',
      json: { teapot: true },
    });
    expect(outcome.kind === 'reply' && outcome.headers['x-trace']).toBe('t-1');
    expect(server.requests[0].headers).toMatchObject({
      'x-extra': 'yes',
      accept: 'application/json',
      // a gateway must not answer a body we would read as garbage (a 200 without an id, never re-sent)
      'accept-encoding': 'identity',
    });
    expect(server.requests[0].rawBody).toBe('{"number":"1","text":"ç"}');
  });

  it('gives up after its timeout', async () => {
    server.respondWith(fakeReply.hang());
    const started = Date.now();
    const outcome = await client.post(sendUrl, {}, {});
    expect(outcome).toEqual({ kind: 'no_reply', reason: 'timeout after 300 ms', aborted: false });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('counts a slow reply against the whole request, not per chunk', async () => {
    server.respondWith(fakeReply.ok('late', 1_000));
    await expect(client.post(sendUrl, {}, { number: '1' })).resolves.toMatchObject({
      kind: 'no_reply',
      reason: 'timeout after 300 ms',
    });
  });

  it('stops when the caller aborts, and says so', async () => {
    server.respondWith(fakeReply.hang());
    const controller = new AbortController();
    const pending = client.post(sendUrl, {}, {}, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(pending).resolves.toEqual({ kind: 'no_reply', reason: 'aborted', aborted: true });
    await expect(client.post(sendUrl, {}, {}, controller.signal)).resolves.toEqual({
      kind: 'no_reply',
      reason: 'aborted',
      aborted: true,
    });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['hangs', 'hang', 'timeout after 300 ms'],
    ['drops the connection', 'close', 'network error: ECONNRESET'],
  ] as const)('says which status came when a reply %s before its body ends', async (_how, then, reason) => {
    server.respondWith(fakeReply.okCutShort(then));
    await expect(client.post(sendUrl, {}, { number: '1' })).resolves.toEqual({
      kind: 'no_reply',
      reason,
      aborted: false,
      statusSeen: 200,
    });
  });

  it('reports a dropped connection as a network error', async () => {
    server.respondWith(fakeReply.closeSocket());
    await expect(client.post(sendUrl, {}, {})).resolves.toEqual({
      kind: 'no_reply',
      reason: 'network error: ECONNRESET',
      aborted: false,
    });
  });

  it('keeps at most maxSockets connections to a host and queues the rest', async () => {
    server.respondAlways(fakeReply.ok(undefined, 50));
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => client.post(sendUrl, {}, { number: '1' })),
    );
    expect(outcomes.every((outcome) => outcome.kind === 'reply' && outcome.status === 200)).toBe(true);
    expect(new Set(server.requests.map((request) => request.remotePort)).size).toBe(2);
  });

  it('starts the timeout when a request gets a connection, not while it waits for one', async () => {
    // two sockets, six requests of 200 ms each: the last two wait 400 ms for a socket, more than the
    // 300 ms timeout, and still get their reply
    server.respondAlways(fakeReply.ok(undefined, 200));
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => client.post(sendUrl, {}, { number: '1' })),
    );
    expect(outcomes.map((outcome) => (outcome.kind === 'reply' ? outcome.status : outcome.kind))).toEqual(
      Array(6).fill(200),
    );
  });

  it('withdraws only requests still waiting for a connection: those never reach the server', async () => {
    // two sockets, five requests: two go out at once, three wait; withdrawn while the first two are in flight
    server.respondAlways(fakeReply.ok(undefined, 200));
    const withdraw = new AbortController();
    const pending = Array.from({ length: 5 }, (_, index) =>
      client.post(sendUrl, {}, { number: String(index) }, undefined, withdraw.signal),
    );
    await waitUntil(() => server.requests.length === 2);
    withdraw.abort();
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((outcome) => (outcome.kind === 'reply' ? outcome.status : outcome.kind))).toEqual([
      200,
      200,
      'withdrawn',
      'withdrawn',
      'withdrawn',
    ]);
    // the connections freed by the two replies must not carry the withdrawn requests afterwards
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests.map((request) => JSON.parse(request.rawBody).number)).toEqual(['0', '1']);
    // and the pool still works
    await expect(client.post(sendUrl, {}, { number: '9' })).resolves.toMatchObject({ status: 200 });
  });

  it('listens to a withdraw signal only while a request waits: one listener, gone once all are connected', async () => {
    // a signal made by AbortSignal.any is kept alive by Node 20 while it has a listener: left there, every
    // wave's signal would stay in memory for good
    server.respondAlways(fakeReply.ok(undefined, 50));
    const withdraw = AbortSignal.any([new AbortController().signal]);
    const pending = Array.from({ length: 5 }, () => client.post(sendUrl, {}, {}, undefined, withdraw));
    expect(getEventListeners(withdraw, 'abort')).toHaveLength(1);
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(Array(5).fill('reply'));
    expect(getEventListeners(withdraw, 'abort')).toHaveLength(0);
  });

  it('withdraws nothing once every request has a connection', async () => {
    server.respondAlways(fakeReply.ok(undefined, 100));
    const withdraw = new AbortController();
    const pending = [0, 1].map((index) =>
      client.post(sendUrl, {}, { number: String(index) }, undefined, withdraw.signal),
    );
    await waitUntil(() => server.requests.length === 2);
    withdraw.abort();
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['reply', 'reply']);
    await expect(client.post(sendUrl, {}, {}, undefined, withdraw.signal)).resolves.toEqual({
      kind: 'withdrawn',
    });
    expect(server.requests).toHaveLength(2);
  });

  it('stops a request the caller aborts while it waits for a connection: it never reaches the server', async () => {
    server.respondAlways(fakeReply.ok(undefined, 100));
    const controller = new AbortController();
    const pending = [0, 1, 2].map((index) =>
      client.post(sendUrl, {}, { number: String(index) }, index === 2 ? controller.signal : undefined),
    );
    await waitUntil(() => server.requests.length === 2);
    controller.abort();
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((outcome) => (outcome.kind === 'reply' ? outcome.status : outcome))).toEqual([
      200,
      200,
      { kind: 'no_reply', reason: 'aborted', aborted: true },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.requests.map((request) => JSON.parse(request.rawBody).number)).toEqual(['0', '1']);
  });

  it('turns a request it cannot make into an outcome, not an exception', async () => {
    const outcome = await client.post(sendUrl, { 'x-bad': 'line\nbreak' }, {});
    expect(outcome).toMatchObject({ kind: 'no_reply', aborted: false });
    expect(outcome.kind === 'no_reply' && outcome.reason).toMatch(/^network error: /);
    expect(server.requests).toHaveLength(0);
  });

  it('lets a caller withdraw its waiting sends on a reply before the freed connection carries one of them', async () => {
    // what fila does when a reply opens a number's circuit: withdraw at once, in the reply's continuation
    server.respondAlways(fakeReply.serverError());
    const withdraw = new AbortController();
    const outcomes = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((index) =>
        client.post(sendUrl, {}, { number: String(index) }, undefined, withdraw.signal).then((outcome) => {
          if (outcome.kind === 'reply') withdraw.abort();
          return outcome.kind === 'reply' ? outcome.status : outcome.kind;
        }),
      ),
    );
    expect(outcomes).toEqual([500, 500, 'withdrawn', 'withdrawn', 'withdrawn', 'withdrawn']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests.map((request) => JSON.parse(request.rawBody).number)).toEqual(['0', '1']);
  });

  it('keeps the connection of a request given up before it was written', async () => {
    const oneConnection = new HttpJsonClient({ timeoutMs: 1_000, maxSockets: 1 });
    try {
      server.respondAlways(fakeReply.ok());
      await oneConnection.post(sendUrl, {}, { number: '0' });
      const controller = new AbortController();
      const abandoned = oneConnection.post(sendUrl, {}, { number: '1' }, controller.signal);
      controller.abort(); // handed to undici already, not yet written
      const next = oneConnection.post(sendUrl, {}, { number: '2' });
      expect(await abandoned).toEqual({ kind: 'no_reply', reason: 'aborted', aborted: true });
      expect(await next).toMatchObject({ kind: 'reply', status: 200 });
      expect(server.requests.map((request) => JSON.parse(request.rawBody).number)).toEqual(['0', '2']);
      expect(new Set(server.requests.map((request) => request.remotePort)).size).toBe(1);
    } finally {
      await oneConnection.close();
    }
  });

  it('reads a non-JSON body as text', async () => {
    server.respondWith(fakeReply.status(502, '<html>Bad Gateway</html>'));
    await expect(client.post(sendUrl, {}, {})).resolves.toMatchObject({
      status: 502,
      body: '<html>Bad Gateway</html>',
      json: undefined,
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
