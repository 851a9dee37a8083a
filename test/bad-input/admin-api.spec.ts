import type { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { HTTP_BODY_LIMIT } from '../../src/admin/admin.constants';
import { JobRegistry } from '../../src/scheduler/job-registry';
import { createHttpApp } from '../admin/http-app';
import { concretePath, registeredRoutes, type RegisteredRoute } from '../security/registered-routes';
import { testConfig } from '../utils/test-config';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { routeInputs, type RouteInputs } from './admin-route-inputs';
import {
  brokenJson,
  INJECTION_STRINGS,
  invalidValue,
  join,
  NAN_ISH,
  objectText,
  sampleValue,
  unknownFieldName,
  type JsonSchemaNode,
} from './bad-request.arbitraries';
import { sendRaw, type RawAnswer, type RawRequest } from './raw-http';
import { serviceTables, tableSnapshot, tablesHolding, type TableSnapshot } from './table-snapshot';

const TOKEN = 'bad-input-admin-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_TYPE = { 'content-type': 'application/json' };
const BODY_LIMIT_BYTES = Number(/^(\d+)kb$/.exec(HTTP_BODY_LIMIT)![1]) * 1024;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A stack frame, a dependency path or an internal error class in a body: internals leaking out. */
const LEAK = /\n\s+at |node_modules|"stack"|PrismaClient|DriverAdapterError/;

/** bounded runs: the whole file stays well under a minute on a busy 2-core machine */
const RUNS = { numRuns: 8 };

const label = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
const encodeSegment = (value: string) => encodeURIComponent(value).replace(/\./g, '%2E');
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (value: string) => !LONE_SURROGATE.test(value);

// The admin API with every kind of bad input, on every route the router serves (enumerated, so a new route
// is covered without editing this file), with the real app on PostgreSQL and Redis.
describe('the admin API with bad input', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let port: number;
  let routes: RegisteredRoute[];
  let inputs: RouteInputs[];
  let leadId: string;
  const sent = new Map<string, number>();
  const statuses = new Map<number, number>();

  /** values a body needs to get past existence checks, so strings reach storage */
  const realValues = (): Record<string, unknown> => ({ lead_id: leadId });

  async function send(category: string, raw: RawRequest): Promise<RawAnswer> {
    sent.set(category, (sent.get(category) ?? 0) + 1);
    const answer = await sendRaw(port, raw);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    return answer;
  }

  /** a JSON error body with the status, no internals, no secrets, never HTML */
  function expectJsonError(answer: RawAnswer, allowed: readonly number[]): Record<string, unknown> {
    expect(allowed).toContain(answer.status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.text).not.toMatch(LEAK);
    expect(answer.text).not.toContain(TOKEN);
    expect(answer.text).not.toContain(db.url);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(body.statusCode).toBe(answer.status);
    expect(typeof body.message).toBe('string');
    return body;
  }

  /** 400 whose `errors` name `field` */
  function expectNamed(answer: RawAnswer, field: string): void {
    const body = expectJsonError(answer, [400]);
    const fields = (body.errors as Array<{ field: string }> | undefined)?.map((error) => error.field);
    expect({ fields, message: body.message }).toEqual({
      fields: expect.arrayContaining([field]),
      message: expect.any(String),
    });
  }

  const inputsWith = (pick: (route: RouteInputs) => unknown) =>
    inputs.filter((route) => pick(route) !== undefined);
  const schemaOf = (schema: z.ZodType) =>
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const propertiesOf = (schema: z.ZodType) => Object.entries(schemaOf(schema).properties ?? {});

  /** the required fields with a value that passes, so a test changes one field only */
  function sampleBody(schema: z.ZodType): Record<string, unknown> {
    const node = schemaOf(schema);
    const real = realValues();
    return Object.fromEntries(
      (node.required ?? []).map((field) => [field, real[field] ?? sampleValue(node.properties![field])]),
    );
  }
  const sampleMembers = (schema: z.ZodType, except: string) =>
    Object.entries(sampleBody(schema))
      .filter(([field]) => field !== except)
      .map(([field, value]) => [field, JSON.stringify(value)] as const);

  /** a path with each `:param` filled (a given value, or one that names nothing) */
  function pathOf(route: { path: string }, params: Record<string, string> = {}): string {
    return concretePath(
      route.path.replace(/:(\w+)/g, (whole, name: string) => (name in params ? params[name] : whole)),
    );
  }

  /** a request to a route with a valid sample body, if it takes one */
  function requestTo(route: RouteInputs, changes: Partial<RawRequest> = {}): RawRequest {
    return {
      method: route.method,
      path: pathOf(route),
      headers: { ...AUTH, ...JSON_TYPE },
      body: route.body ? JSON.stringify(sampleBody(route.body)) : undefined,
      ...changes,
    };
  }

  async function forEachRoute<T>(
    list: readonly T[],
    name: (item: T) => string,
    check: (item: T) => Promise<void>,
  ): Promise<void> {
    for (const item of list) {
      try {
        await check(item);
      } catch (error) {
        const cause =
          error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : '';
        throw new Error(`${name(item)}: ${error instanceof Error ? error.message : String(error)}${cause}`, {
          cause: error,
        });
      }
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase(`bad_input_admin_${process.pid}`);
    app = await createHttpApp(
      testConfig({
        DATABASE_URL: db.url,
        REDIS_URL: testRedisUrl,
        REDIS_KEY_PREFIX: testRedisPrefix('bad-input-admin'),
        ADMIN_TOKEN: TOKEN,
        LOG_LEVEL: 'silent',
      }),
    );
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    routes = registeredRoutes(app).filter((route) => route.path.startsWith('/admin'));
    inputs = routeInputs(app).filter((route) => route.path.startsWith('/admin'));
    leadId = await seed(db);
  }, 60_000);

  afterAll(async () => {
    const figures = {
      routes: routes?.length,
      requests: Object.fromEntries(sent),
      statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
    };
    process.stdout.write(`admin API bad input: ${JSON.stringify(figures)}\n`);
    await app?.close();
    await db?.drop();
  });

  describe('the routes under test', () => {
    it('reads what each controller route validates, and the router serves no other admin route but the docs', () => {
      const fromControllers = inputs.map(label).sort();
      const fromRouter = routes.map(label).filter((route) => !route.includes(' /admin/docs'));
      expect(fromControllers).toEqual([...new Set(fromRouter)].sort());
      expect(inputsWith((route) => route.body).length).toBeGreaterThanOrEqual(4);
      expect(inputsWith((route) => route.query).length).toBeGreaterThanOrEqual(3);
      expect(inputs.some((route) => Object.values(route.params).some(Boolean))).toBe(true);
    });
  });

  describe('refused requests lose nothing', () => {
    let before: TableSnapshot;
    beforeAll(async () => {
      before = await tableSnapshot(db.sql);
    });

    it('answers a malformed JSON body with a JSON 400 on every admin route', async () => {
      await forEachRoute(routes, label, (route) =>
        fc.assert(
          fc.asyncProperty(brokenJson, async (body) => {
            const answer = await send('malformed JSON', {
              method: route.method,
              path: concretePath(route.path),
              headers: { ...AUTH, ...JSON_TYPE },
              body,
            });
            expectJsonError(answer, [400]);
          }),
          RUNS,
        ),
      );
    });

    it('answers random bytes sent as JSON with a JSON 400', async () => {
      const route = inputsWith((candidate) => candidate.body)[0];
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: 256 }).filter((bytes) => {
            try {
              const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
              return typeof value !== 'object' || value === null;
            } catch {
              return true;
            }
          }),
          async (bytes) => {
            expectJsonError(
              await send('random bytes', requestTo(route, { body: Buffer.from(bytes) })),
              [400],
            );
          },
        ),
        { numRuns: 30 },
      );
    });

    it('answers a body over the limit with a JSON 413 on every admin route, however it is sent', async () => {
      const oversized = fc.record({
        bytes: fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 4 * BODY_LIMIT_BYTES }),
        filler: fc.constantFrom('a', 'é', '🩺', '"'),
        shape: fc.constantFrom('string', 'array', 'keys'),
        chunked: fc.boolean(),
      });
      await forEachRoute(routes, label, (route) =>
        fc.assert(
          fc.asyncProperty(oversized, async ({ bytes, filler, shape, chunked }) => {
            const body = oversizedBody(bytes, filler, shape);
            expect(Buffer.byteLength(body)).toBeGreaterThan(BODY_LIMIT_BYTES);
            const answer = await send('oversized', {
              method: route.method,
              path: concretePath(route.path),
              headers: { ...AUTH, ...JSON_TYPE },
              body,
              chunked,
            });
            expectJsonError(answer, [413]);
          }),
          { numRuns: 3 },
        ),
      );
    });

    it('reads a body of exactly the limit (the limit is the boundary, not less)', async () => {
      const route = inputsWith((candidate) => candidate.body)[0];
      const body = oversizedBody(BODY_LIMIT_BYTES, 'a', 'keys');
      expect(Buffer.byteLength(body)).toBe(BODY_LIMIT_BYTES);
      expectJsonError(await send('at the limit', requestTo(route, { body })), [400]);
    });

    it('answers a body field of the wrong type or out of range with a 400 naming it', async () => {
      await forEachRoute(
        inputsWith((route) => route.body),
        label,
        async (route) => {
          for (const [field, node] of propertiesOf(route.body!))
            await fc.assert(
              fc.asyncProperty(invalidValue(node), async (bad) => {
                const body = objectText([...sampleMembers(route.body!, field), [field, bad.json]]);
                expectNamed(await send('body field', requestTo(route, { body })), join(field, bad.at));
              }),
              RUNS,
            );
        },
      );
    });

    it('answers a missing body, a non-object body and missing fields with a 400 naming them', async () => {
      await forEachRoute(
        inputsWith((route) => route.body),
        label,
        async (route) => {
          const required = schemaOf(route.body!).required ?? [];
          const empty = await send('missing fields', requestTo(route, { body: '{}' }));
          for (const field of required) expectNamed(empty, field);
          for (const body of ['[]', '[{}]'])
            expectNamed(await send('not an object', requestTo(route, { body })), '(body)');
          for (const headers of [AUTH, { ...AUTH, 'content-type': 'text/plain' }])
            expectNamed(
              await send('no JSON body', requestTo(route, { headers, body: 'lead_id=1' })),
              '(body)',
            );
        },
      );
    });

    it('answers an unknown body field with a 400 naming it', async () => {
      await forEachRoute(
        inputsWith((route) => route.body),
        label,
        async (route) => {
          const known = propertiesOf(route.body!).map(([field]) => field);
          await fc.assert(
            fc.asyncProperty(unknownFieldName(known), fc.jsonValue({ maxDepth: 1 }), async (field, value) => {
              const body = objectText([...sampleMembers(route.body!, field), [field, JSON.stringify(value)]]);
              expectNamed(await send('unknown body field', requestTo(route, { body })), field);
            }),
            RUNS,
          );
        },
      );
    });

    it('answers a scheduled time before year 1 with a 400 naming it, not a database error', async () => {
      const route = inputs.find(
        (candidate) => candidate.body && 'agendar_para' in (schemaOf(candidate.body).properties ?? {}),
      );
      expect(route).toBeDefined();
      for (const when of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '0000-12-31T23:59:59.999Z']) {
        const body = JSON.stringify({ ...sampleBody(route!.body!), agendar_para: when });
        expectNamed(await send('date out of range', requestTo(route!, { body })), 'agendar_para');
      }
    });

    it('answers a bad, repeated or unknown query parameter with a 400 naming it', async () => {
      await forEachRoute(
        inputsWith((route) => route.query),
        label,
        async (route) => {
          const properties = propertiesOf(route.query!);
          const known = properties.map(([field]) => field);
          for (const [field, node] of properties) {
            const pattern = new RegExp(node.pattern ?? '(?!)');
            const badValue = fc.oneof(
              fc.string({ unit: 'binary', maxLength: 30 }).filter(wellFormed),
              fc.constantFrom(...NAN_ISH, '１', '٣', '1 OR 1=1'),
              // whole numbers past anything a page or a wait could be
              fc.integer({ min: 16, max: 400 }).map((digits) => '9'.repeat(digits)),
            );
            await fc.assert(
              fc.asyncProperty(
                badValue.filter((value) => !pattern.test(value) || Number(value) > Number.MAX_SAFE_INTEGER),
                async (value) => {
                  const path = `${pathOf(route)}?${field}=${encodeURIComponent(value)}`;
                  expectNamed(await send('query value', requestTo(route, { path })), field);
                },
              ),
              RUNS,
            );
            const repeated = `${pathOf(route)}?${field}=1&${field}=2`;
            expectNamed(await send('query repeated', requestTo(route, { path: repeated })), field);
          }
          await fc.assert(
            fc.asyncProperty(
              unknownFieldName(known).filter((name) => wellFormed(name) && !/[[\]]/.test(name)),
              async (name) => {
                const path = `${pathOf(route)}?${encodeURIComponent(name)}=1`;
                expectNamed(await send('query unknown', requestTo(route, { path })), name);
              },
            ),
            RUNS,
          );
        },
      );
    });

    it('answers a bad path parameter with a 400 naming it, or a 404 when it names nothing', async () => {
      const registry = app.get(JobRegistry);
      const withParams = inputs.filter((route) => Object.keys(route.params).length > 0);
      await forEachRoute(withParams, label, async (route) => {
        for (const [param, schema] of Object.entries(route.params)) {
          const pattern = schema ? new RegExp(schemaOf(schema).pattern ?? '(?!)') : undefined;
          const value = fc
            .oneof(
              fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
              fc.constantFrom(
                ...NAN_ISH.filter(Boolean),
                ...INJECTION_STRINGS,
                '..',
                '.',
                'a/b',
                '9'.repeat(400),
              ),
              fc.integer({ min: 1, max: 8_000 }).map((length) => 'x'.repeat(length)),
            )
            .filter((candidate) => wellFormed(candidate) && !registry.has(candidate))
            .filter((candidate) => !pattern?.test(candidate));
          await fc.assert(
            fc.asyncProperty(value, async (candidate) => {
              const answer = await send(
                'path param',
                requestTo(route, { path: pathOf(route, { [param]: encodeSegment(candidate) }) }),
              );
              if (schema) expectNamed(answer, param);
              else expectJsonError(answer, [404]);
            }),
            RUNS,
          );
          const undecodable = await send(
            'path param',
            requestTo(route, { path: pathOf(route, { [param]: '%E0%A4%A' }) }),
          );
          expectJsonError(undecodable, [400]);
        }
      });
    });

    it('answers unknown routes under /admin with a JSON 404, with or without the token', async () => {
      const DOCS_MOUNT = /^\/admin\/docs\//i;
      const REDIRECTS = [301, 302, 308];
      const patterns = routes.map(
        (route) => new RegExp(`^${route.path.replace(/:\w+/g, '[^/]+').replace(/\/$/, '')}/?$`, 'i'),
      );
      const segment = fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter(wellFormed).map(encodeSegment),
        fc.constantFrom(
          '..',
          '%2e%2e',
          '%00',
          '<script>alert(1)</script>',
          "'%20OR%201=1--",
          'jobs',
          'docs',
          '%E0%A4%A',
        ),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/admin/${parts.join('/')}`),
          fc.constantFrom(...METHODS),
          fc.boolean(),
          async (path, method, withToken) => {
            fc.pre(!patterns.some((pattern) => pattern.test(path)));
            const answer = await send('unknown route', { method, path, headers: withToken ? AUTH : {} });
            // Swagger UI's files are mounted under /admin/docs (public, see README): a path that resolves to
            // its folder is redirected there with a slash, which is neither an admin route nor an error
            if (DOCS_MOUNT.test(path) && REDIRECTS.includes(answer.status)) {
              expect(answer.headers.location).toMatch(DOCS_MOUNT);
              return;
            }
            expectJsonError(answer, [400, 404]);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('answers a method a route does not have with a JSON 404 or 405', async () => {
      const paths = [...new Set(routes.map((route) => route.path))];
      await forEachRoute(
        paths,
        (path) => path,
        async (path) => {
          const served = routes.filter((route) => route.path === path).map((route) => route.method);
          for (const method of METHODS.filter((candidate) => !served.includes(candidate)))
            for (const headers of [AUTH, {}]) {
              const answer = await send('wrong method', { method, path: concretePath(path), headers });
              expectJsonError(answer, [404, 405]);
            }
        },
      );
    });

    it('leaves every table exactly as it was before the refused requests', async () => {
      expect(await tableSnapshot(db.sql)).toEqual(before);
    });
  });

  describe('SQL-ish and script strings are refused or kept as data', () => {
    let tablesBefore: string[];
    let leadsBefore: TableSnapshot[string];
    beforeAll(async () => {
      tablesBefore = await serviceTables(db.sql);
      leadsBefore = (await tableSnapshot(db.sql)).leads;
    });

    /** every listed string once, then generated ones */
    async function forEachString(check: (value: string) => Promise<void>, accept = (_: string) => true) {
      for (const value of INJECTION_STRINGS.filter(accept)) {
        try {
          await check(value);
        } catch (error) {
          throw new Error(
            `${JSON.stringify(value)}: ${error instanceof Error ? error.message : String(error)}`,
            {
              cause: error,
            },
          );
        }
      }
      const generated = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
      );
      await fc.assert(fc.asyncProperty(generated.filter(accept), check), { numRuns: 10 });
    }

    /** a refusal names the field; an acceptance of a write keeps the string exactly, in some table */
    async function expectRefusedOrKept(route: RouteInputs, answer: RawAnswer, field: string, value: string) {
      const body = expectJsonAnswer(answer);
      if (answer.status === 400) {
        expect((body.errors as Array<{ field: string }>).map((error) => error.field)).toContain(field);
      } else if (answer.status < 300 && route.method !== 'GET') {
        // PostgreSQL text holds no NUL and turns an unpaired surrogate into U+FFFD: accepting them loses data
        expect({ value, storable: !value.includes('\u0000') && wellFormed(value) }).toEqual({
          value,
          storable: true,
        });
        expect({ value, storedIn: await tablesHolding(db.sql, value) }).toEqual({
          value,
          storedIn: expect.arrayContaining([expect.any(String)]),
        });
      }
    }

    function expectJsonAnswer(answer: RawAnswer): Record<string, unknown> {
      expect(answer.status).toBeLessThan(500);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.text).not.toMatch(LEAK);
      return JSON.parse(answer.text) as Record<string, unknown>;
    }

    it('in every string field of every body', async () => {
      await forEachRoute(
        inputsWith((route) => route.body),
        label,
        async (route) => {
          const fields = propertiesOf(route.body!).filter(
            ([, node]) => node.type === 'string' || node.items?.type === 'string',
          );
          for (const [field, node] of fields)
            await forEachString(async (value) => {
              const json = JSON.stringify(node.type === 'array' ? [value] : value);
              const body = objectText([...sampleMembers(route.body!, field), [field, json]]);
              const answer = await send('string in body', requestTo(route, { body }));
              await expectRefusedOrKept(route, answer, node.type === 'array' ? `${field}.0` : field, value);
            });
        },
      );
    });

    it('in every query parameter and path parameter', async () => {
      const registry = app.get(JobRegistry);
      await forEachRoute(inputs, label, async (route) => {
        const query = route.query ? propertiesOf(route.query).map(([field]) => field) : [];
        await forEachString(
          async (value) => {
            for (const field of query) {
              const path = `${pathOf(route)}?${field}=${encodeURIComponent(value)}`;
              const answer = await send('string in query', requestTo(route, { path }));
              await expectRefusedOrKept(route, answer, field, value);
            }
            for (const param of Object.keys(route.params)) {
              const path = pathOf(route, { [param]: encodeSegment(value) });
              const answer = await send('string in path', requestTo(route, { path }));
              expect([400, 404]).toContain(answer.status);
              await expectRefusedOrKept(route, answer, param, value);
            }
          },
          // a URL cannot carry an unpaired surrogate
          (value) => value !== '' && wellFormed(value) && !registry.has(value),
        );
      });
    });

    it('in the X-Operator header: recorded and shown back literally, as JSON', async () => {
      const job = app.get(JobRegistry).names()[0];
      const headerSafe = INJECTION_STRINGS.filter((value) => /^[\x20-\x7e\x80-\xff]+$/.test(value));
      expect(headerSafe.length).toBeGreaterThanOrEqual(10);
      for (const operator of headerSafe) {
        const pause = await send('string in header', {
          method: 'POST',
          path: `/admin/jobs/${job}/pause`,
          headers: { ...AUTH, 'x-operator': operator },
        });
        expect(pause.status).toBe(200);
        const list = await send('read back', { method: 'GET', path: '/admin/jobs', headers: AUTH });
        const body = expectJsonAnswer(list) as { jobs: Array<{ name: string; paused_by: string }> };
        expect(body.jobs.find((candidate) => candidate.name === job)?.paused_by).toBe(
          `admin:${operator.trim().slice(0, 64)}`,
        );
        // a second pause keeps the first one's operator: resume so the next pause records its own
        expect(
          (await send('resume', { method: 'POST', path: `/admin/jobs/${job}/resume`, headers: AUTH })).status,
        ).toBe(200);
      }
    });

    it('in the pilot switch reason: shown back literally, as JSON', async () => {
      for (const motivo of INJECTION_STRINGS.filter(
        (value) => !value.includes('\u0000') && wellFormed(value),
      )) {
        const put = await send('string in body', {
          method: 'PUT',
          path: '/admin/pilot',
          headers: { ...AUTH, ...JSON_TYPE },
          body: JSON.stringify({ pilot_mode: true, motivo }),
        });
        expect(put.status).toBe(200);
        const state = await send('read back', { method: 'GET', path: '/admin/pilot', headers: AUTH });
        const body = expectJsonAnswer(state) as { flags: Array<{ nome: string; motivo: string }> };
        expect(body.flags.find((flag) => flag.nome === 'pilot_mode')?.motivo).toBe(motivo);
      }
    });

    it('leaves every table in place and the leads untouched', async () => {
      expect(await serviceTables(db.sql)).toEqual(tablesBefore);
      expect((await tableSnapshot(db.sql)).leads).toEqual(leadsBefore);
      const { rows } = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM fila_mensagens`);
      expect(rows[0].n).toBeGreaterThanOrEqual(3);
    });
  });
});

/** A JSON document of exactly `bytes` bytes when the filler allows it (at least `bytes` otherwise). */
function oversizedBody(bytes: number, filler: string, shape: string): string {
  const unit = Buffer.byteLength(filler === '"' ? '\\"' : filler);
  if (shape === 'array') {
    const count = Math.ceil((bytes - 2) / 2);
    return `[${Array.from({ length: count }, () => '1').join(',')}]`.padEnd(bytes, ' ');
  }
  if (shape === 'keys') {
    const entries: string[] = [];
    let size = 2;
    for (let index = 0; size + 12 < bytes; index += 1) {
      const entry = `"k${index}":${index % 10}`;
      entries.push(entry);
      size += entry.length + 1;
    }
    return `{${entries.join(',')}}`.padEnd(bytes, ' ');
  }
  const repeat = Math.ceil((bytes - 10) / unit);
  const value = filler === '"' ? '\\"'.repeat(repeat) : filler.repeat(repeat);
  return `{"pad":"${value}"}`;
}

/** Rows in the tables the admin API reads and writes, as other services insert them (required columns). */
async function seed(db: TestDatabase): Promise<string> {
  const { rows: leads } = await db.sql.query<{ id: string }>(
    `INSERT INTO leads (telefone, nome) VALUES ('5511900000101', 'Dra. Ana'), ('5511900000102', 'Dr. Caio')
     RETURNING id`,
  );
  const leadId = leads[0].id;
  await db.sql.query(
    `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, tentativas, erro)
     VALUES ($1, 'pendente', 'oferta', 'pendente', 0, NULL),
            ($1, 'morta', 'oferta', 'erro', 3, 'dead_letter after 3 attempts'),
            ($1, 'enviada', 'oferta', 'enviada', 1, NULL)`,
    [leadId],
  );
  const { rows: vagas } = await db.sql.query<{ id: string }>(
    `INSERT INTO vagas (hospital, especialidade, data, hora_inicio, hora_fim, status)
     VALUES ('Hospital Santa Cruz', 'Clínica médica', '2030-03-14', '07:00', '19:00', 'reservada') RETURNING id`,
  );
  await db.sql.query(`INSERT INTO handoffs (lead_id, vaga_id, divulgador_nome) VALUES ($1, $2, 'Carlos')`, [
    leadId,
    vagas[0].id,
  ]);
  await db.sql.query(
    `INSERT INTO job_executions (job_name, status, finished_at, duration_ms) VALUES ('shift_confirmation', 'success', now(), 5)`,
  );
  await db.sql.query(
    `INSERT INTO jobs_agendados (job_name, pausado, pausado_por) VALUES ('daily_report', true, 'admin')`,
  );
  await db.sql.query(
    `INSERT INTO mensagens_fora_horario (lead_id, mensagem) VALUES ($1, 'oi, tem plantão?')`,
    [leadId],
  );
  await db.sql.query(
    `INSERT INTO mensagens_grupo (grupo, autor, texto) VALUES ('Plantões SP', 'Carlos', 'vaga amanhã')`,
  );
  return leadId;
}
