import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createHttpApp } from '../admin/http-app';
import { testConfig } from '../utils/test-config';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { concretePath, registeredRoutes, type RegisteredRoute } from './registered-routes';

const TOKEN = 'security-review-token-0123456789abcdef';

/** Answer without a token, by design: probes and scrapers (CONTRACT §7). */
const PUBLIC_ROUTES = ['GET /health', 'GET /health/workers', 'GET /metrics'];

/**
 * Under /admin, answer without a token, by design: the OpenAPI document and its UI (no data, only the API's
 * shape), and the dashboard's static page and script (it asks the operator for the token and sends it with
 * every API call).
 */
const PUBLIC_ADMIN_ROUTES = [
  'GET /admin/dashboard',
  'GET /admin/dashboard/app.js',
  'GET /admin/docs',
  'GET /admin/docs/',
  'GET /admin/docs-json',
  'GET /admin/docs-yaml',
  'GET /admin/docs/LICENSE',
  'GET /admin/docs/index.html',
  'GET /admin/docs/swagger-ui-init.js',
  'GET /admin/docs/docs/swagger-ui-init.js',
];

const WRONG_CREDENTIALS: ReadonlyArray<[string, Record<string, string>]> = [
  ['no Authorization header', {}],
  ['a wrong token of the same length', { Authorization: `Bearer ${TOKEN.slice(0, -1)}X` }],
  ['the token with a suffix', { Authorization: `Bearer ${TOKEN}x` }],
  ['an empty bearer', { Authorization: 'Bearer ' }],
  ['the token under another scheme', { Authorization: `Basic ${TOKEN}` }],
];

const label = (route: RegisteredRoute) => `${route.method} ${route.path}`;

describe('HTTP surface (security review)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let routes: RegisteredRoute[];

  const send = (route: RegisteredRoute, headers: Record<string, string>) => {
    const agent = request(app.getHttpServer());
    const url = concretePath(route.path);
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
    const pending = agent[method](url).set(headers);
    return method === 'get' || method === 'head' ? pending : pending.send({});
  };

  beforeAll(async () => {
    db = await createTestDatabase('security_http');
    app = await createHttpApp(
      testConfig({
        DATABASE_URL: db.url,
        REDIS_URL: testRedisUrl,
        REDIS_KEY_PREFIX: testRedisPrefix('security_http'),
        ADMIN_TOKEN: TOKEN,
        LOG_LEVEL: 'silent',
      }),
    );
    routes = registeredRoutes(app);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('admin routes are all behind the token', () => {
    it('finds the routes of the admin controllers in the router (the enumeration works)', () => {
      const labels = routes.map(label);
      expect(labels).toEqual(
        expect.arrayContaining([
          'GET /admin/jobs',
          'POST /admin/jobs/:name/run',
          'POST /admin/dead-letters/redrive',
          'PUT /admin/pilot',
          ...PUBLIC_ROUTES,
          ...PUBLIC_ADMIN_ROUTES,
        ]),
      );
    });

    it('serves nothing outside /admin but the health and metrics endpoints', () => {
      const outside = routes.filter((route) => !/^\/admin(\/|-|$)/.test(route.path)).map(label);
      expect(outside.sort()).toEqual([...PUBLIC_ROUTES].sort());
    });

    it('answers without a token only on the documented public admin routes', async () => {
      const open: string[] = [];
      for (const route of routes.filter((candidate) => candidate.path.startsWith('/admin'))) {
        const response = await send(route, {});
        if (response.status !== 401) open.push(label(route));
      }
      expect(open.sort()).toEqual([...PUBLIC_ADMIN_ROUTES].sort());
    });

    it.each(WRONG_CREDENTIALS)('answers 401 with %s on every other admin route', async (_, headers) => {
      const guarded = routes.filter(
        (route) => route.path.startsWith('/admin') && !PUBLIC_ADMIN_ROUTES.includes(label(route)),
      );
      expect(guarded.length).toBeGreaterThanOrEqual(12);
      const answers: string[] = [];
      for (const route of guarded) {
        const response = await send(route, headers);
        answers.push(`${label(route)} → ${response.status}`);
        expect(JSON.stringify(response.body)).not.toContain(TOKEN);
      }
      expect(answers).toEqual(guarded.map((route) => `${label(route)} → 401`));
    });

    it('lets the right token through on every guarded route (the 401s come from the guard)', async () => {
      const guarded = routes.filter(
        (route) => route.path.startsWith('/admin') && !PUBLIC_ADMIN_ROUTES.includes(label(route)),
      );
      for (const route of guarded) {
        const response = await send(route, { Authorization: `Bearer ${TOKEN}` });
        expect(`${label(route)} → ${response.status === 401 ? 401 : 'past the guard'}`).toBe(
          `${label(route)} → past the guard`,
        );
      }
    });
  });

  describe('headers and limits', () => {
    it.each([
      ['/health', {}],
      ['/health/workers', {}],
      ['/metrics', {}],
      ['/admin/jobs', {}],
      ['/admin/jobs', { Authorization: `Bearer ${TOKEN}` }],
      ['/admin/dashboard', {}],
      ['/admin/docs-json', {}],
      ['/no/such/route', {}],
    ])('GET %s carries the security headers and no X-Powered-By', async (path, headers) => {
      const response = await request(app.getHttpServer()).get(path).set(headers);
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': expect.stringContaining("default-src 'self'"),
        'cross-origin-opener-policy': 'same-origin',
        'x-dns-prefetch-control': 'off',
      });
    });

    it.each([
      ['without a token', {}],
      ['with the token', { Authorization: `Bearer ${TOKEN}` }],
    ])('refuses a JSON body over 64 kB %s with 413 and no stack', async (_, headers) => {
      const response = await request(app.getHttpServer())
        .post('/admin/messages')
        .set(headers)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ conteudo: 'a'.repeat(70 * 1024) }));
      expect(response.status).toBe(413);
      expectNoInternals(response.text);
    });

    it('answers malformed JSON with 400 and no stack', async () => {
      const response = await request(app.getHttpServer())
        .post('/admin/messages')
        .set('Authorization', `Bearer ${TOKEN}`)
        .set('Content-Type', 'application/json')
        .send('{"lead_id": ');
      expect(response.status).toBe(400);
      expectNoInternals(response.text);
    });
  });
});

function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\n\s+at |node_modules|\/src\/|\/dist\/|Error:/);
}
