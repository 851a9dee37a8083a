import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpJsonClient } from '../../src/whatsapp/http-json-client';
import { waitUntil } from '../processes/queue-fixture';

// A Node server (the Evolution API is one) closes a keep-alive connection after 5 s idle. A send written
// on it while it closes fails with ECONNRESET: a network error, retried minutes later with an attempt
// counted. Found by the queue fault suite: replicas whose queue runs came ~5 s apart lost whole waves
// that way. The client must give up idle sockets first.

const NODE_SERVER_KEEP_ALIVE_MS = 5_000;

interface ServerSocketClose {
  /** the client ended the connection (the server saw its FIN before closing) */
  byClient: boolean;
  idleMs: number;
}

describe('HttpJsonClient keep-alive connections', () => {
  let server: Server;
  let url: string;
  let replyDelayMs = 0;
  let lastReplyAt = 0;
  const closes: ServerSocketClose[] = [];
  let client: HttpJsonClient;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () =>
        setTimeout(() => {
          lastReplyAt = Date.now();
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        }, replyDelayMs),
      );
    });
    server.keepAliveTimeout = NODE_SERVER_KEEP_ALIVE_MS;
    server.on('connection', (socket: Socket) => {
      let byClient = false;
      socket.on('end', () => (byClient = true));
      socket.on('close', () => closes.push({ byClient, idleMs: Date.now() - lastReplyAt }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/message`;
  });
  beforeEach(() => {
    client = new HttpJsonClient({ timeoutMs: 10_000, maxSockets: 4 });
    closes.length = 0;
    replyDelayMs = 0;
  });
  afterEach(() => client.close());
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('closes an idle connection itself, before a Node server would close it under a new send', async () => {
    expect(await client.post(url, {}, { text: 'a' })).toMatchObject({ kind: 'reply', status: 200 });

    await waitUntil(
      'the idle connection to close',
      () => closes.length > 0,
      NODE_SERVER_KEEP_ALIVE_MS + 3_000,
      50,
    );

    expect(closes).toEqual([{ byClient: true, idleMs: expect.any(Number) }]);
    expect(closes[0].idleMs).toBeLessThan(NODE_SERVER_KEEP_ALIVE_MS);
  });

  it('still waits for a reply slower than the idle timeout: only free sockets are closed', async () => {
    replyDelayMs = 5_000;
    const outcome = await client.post(url, {}, { text: 'slow' });
    expect(outcome).toMatchObject({ kind: 'reply', status: 200, json: { ok: true } });
  });
});
