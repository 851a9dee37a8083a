import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { freePort, ServiceProcess, waitForHealthy } from '../utils/service-process';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Anything that looks like a stack trace or an internal path in a response body. */
const LEAK = /\n\s+at |\bat [\w.<>]+ \(|node_modules|\/dist\/|\.js:\d+|"stack"/;

// The HTTP routes outside the admin API (which is tested on its own), with requests no client should send:
// never a 500, never a stack trace.
describe('the HTTP server with odd requests (node dist/main)', () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase('bad_input_http');
    port = await freePort();
    service = new ServiceProcess({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('bad_input_http'),
      PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    await waitForHealthy(port);
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  /** one request through node:http, so nothing is normalised or refused on the client side */
  function send(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: text,
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * The status of a raw request, for what node:http would refuse to send. The socket is not half-closed
   * (the server may drop a half-closed request) and a reset after the answer is fine.
   */
  function sendRaw(raw: string): Promise<number> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(raw));
      let text = '';
      const timer = setTimeout(() => socket.destroy(), 5_000);
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0));
      });
    });
  }

  function expectClean(answer: Answer): void {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body).not.toMatch(LEAK);
  }

  it.each([
    '/nope',
    '/health/nope',
    '/health/workers/extra',
    '/metrics/x',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%F0%9F%9A%80',
    '/a%00b',
    '/..%2f..%2fetc',
  ])('GET %s is a JSON 404 without internals', async (path) => {
    const answer = await send('GET', path);
    expect(answer.status).toBe(404);
    expect(answer.contentType).toMatch(/application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 404 });
    expect(answer.body).not.toMatch(LEAK);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    '%s /health/workers is 404 or 405, never 500',
    async (method) => {
      const answer = await send(method, '/health/workers', '{}', { 'content-type': 'application/json' });
      expect([404, 405]).toContain(answer.status);
      expect(answer.body).not.toMatch(LEAK);
    },
  );

  it('TRACE /health/workers is 404 or 405, never 500', async () => {
    const status = await sendRaw(
      'TRACE /health/workers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect([404, 405]).toContain(status);
  });

  it('OPTIONS and HEAD on /health/workers do not fail', async () => {
    for (const method of ['OPTIONS', 'HEAD'])
      expect((await send(method, '/health/workers')).status).toBeLessThan(500);
  });

  it('a malformed JSON body is a 4xx without a stack trace', async () => {
    expectClean(await send('POST', '/health/workers', '{"a": ', { 'content-type': 'application/json' }));
    expectClean(await send('POST', '/nope', '\u0000\u0001', { 'content-type': 'application/json' }));
  });

  it('an unsupported charset, a bad encoding and a too-large body are 4xx, not 500', async () => {
    expectClean(
      await send('POST', '/health/workers', '{}', { 'content-type': 'application/json; charset=utf-7' }),
    );
    expectClean(
      await send('POST', '/health/workers', 'not gzip', {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      }),
    );
    expectClean(
      await send('POST', '/health/workers', JSON.stringify({ blob: 'x'.repeat(5 * 1024 * 1024) }), {
        'content-type': 'application/json',
      }),
    );
  });

  it('a malformed percent-encoding is a 4xx', async () => {
    expectClean(await send('GET', '/health/%E0%A4%A'));
    expectClean(await send('GET', '/%'));
  });

  it('odd query strings do not change /health/workers', async () => {
    for (const query of [
      '?__proto__[polluted]=1',
      '?a[b][c][d][e][f][g]=1',
      `?${'x=1&'.repeat(2000)}`,
      '?%ZZ',
    ])
      expect((await send('GET', `/health/workers${query}`)).status).toBe(200);
  });

  it('a huge URL is refused with 414/431/404, not 500', async () => {
    const status = await sendRaw(
      `GET /${'a'.repeat(100 * 1024)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    expect([404, 414, 431]).toContain(status);
    const health = await send('GET', '/health/workers');
    expect(health.status).toBe(200);
  });

  it('garbage instead of HTTP is a 400 and the server keeps serving', async () => {
    expect(await sendRaw('HELLO\r\n\r\n')).toBe(400);
    expect(await sendRaw('GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n')).toBe(400);
    expect((await send('GET', '/health')).status).toBe(200);
    expect(service.isRunning()).toBe(true);
    expect(service.lines().filter((line) => line.level === 'ERROR')).toEqual([]);
  });
});
