import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeHttpServer } from '../domain-workers/fake-http-server';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import { freePort, ServiceProcess, waitForHealthy } from '../utils/service-process';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { createSecretRole, type SecretRole } from './secret-role';

const secret = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
const ADMIN_TOKEN = secret('adm');
const EVOLUTION_API_KEY = secret('evo');
const SLACK_PATH_SECRET = secret('slk');

/** The leads: sent, refused with their number in the provider's reply, retried, not allowed, opted out. */
const PHONES = {
  sent: '5511988881111',
  refused: '5511988882222',
  retried: '5511988883333',
  notAllowed: '5511988884444',
  optedOut: '5511988885555',
};

interface HttpAnswer {
  readonly request: string;
  readonly status: number;
  readonly body: string;
}

describe('no secrets and no phone numbers in logs or error bodies (node dist/main)', () => {
  let db: TestDatabase;
  let role: SecretRole;
  let evolution: FakeEvolutionServer;
  let slack: FakeHttpServer;
  let slackOrigin: string;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('security_secrets');
    role = await createSecretRole(db);
    evolution = await new FakeEvolutionServer({
      apiKey: EVOLUTION_API_KEY,
      instances: ['wa-security'],
    }).start();
    slack = new FakeHttpServer();
    slackOrigin = new URL(await slack.start()).origin;
    slack.answer({
      status: 500,
      body: `no_service for /services/${SLACK_PATH_SECRET}`,
      contentType: 'text/plain',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await evolution?.close();
    await slack?.stop();
    await db?.drop();
    await role?.drop();
  });

  it('keeps every secret and every full phone number out of stdout, stderr and HTTP error bodies', async () => {
    const leadIds = await insertLeads(db);
    await enqueue(db, leadIds);
    // four failures of one job in the last 5 minutes: check_alerts posts to Slack
    await db.sql.query(
      `INSERT INTO job_executions (job_name, status, started_at, finished_at, error)
       SELECT 'sync_briefing', 'error', now() - interval '1 minute', now(), 'boom' FROM generate_series(1, 4)`,
    );
    evolution.respondWith(
      fakeReply.badRequest({
        error: `number ${PHONES.refused} is not on WhatsApp`,
        jid: `${PHONES.refused}@s.whatsapp.net`,
        // some gateways echo the request's headers in their errors
        echoed_headers: { apikey: EVOLUTION_API_KEY },
      }),
      fakeReply.status(500, { error: `internal error sending to +${PHONES.retried}` }),
    );
    const port = await freePort();
    service = new ServiceProcess({
      DATABASE_URL: role.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('security_secrets'),
      PORT: String(port),
      ADMIN_TOKEN,
      WHATSAPP_PROVIDER: 'evolution',
      EVOLUTION_API_URL: evolution.url,
      EVOLUTION_API_KEY,
      EVOLUTION_INSTANCE: 'wa-security',
      SLACK_WEBHOOK_URL: `${slackOrigin}/services/T0SEC/B0SEC/${SLACK_PATH_SECRET}`,
      OUTBOUND_ALLOWLIST: [PHONES.sent, PHONES.refused, PHONES.retried, PHONES.optedOut].join(','),
      WORKER_CONCURRENCY: '1',
      RATE_LIMIT_PHONE_INTERVAL: '1',
      JOB_SCHEDULE_OVERRIDES: 'process_queue=1s;check_alerts=2s;daily_report=2s',
      LOG_LEVEL: 'debug',
    });
    await waitForHealthy(port, 30_000);

    const answers = await probeAdminApi(port, leadIds.sent);
    // every row has had its outcome: a row still `processando` when the service stops goes back to `pendente`
    await waitFor(async () => {
      const { rows } = await db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM fila_mensagens
          WHERE status NOT IN ('pendente', 'processando') OR tentativas > 0`,
      );
      return rows[0].n >= Object.keys(PHONES).length && slack.requests.length >= 2;
    }, 30_000);
    await service.stop();

    const { rows } = await db.sql.query<{ status: string; tentativas: number }>(
      `SELECT l.telefone, f.status, f.tentativas FROM fila_mensagens f JOIN leads l ON l.id = f.lead_id ORDER BY l.telefone`,
    );
    // the scenario really happened: a send, a permanent refusal, a retry, two blocks, Slack posts
    expect(rows.map((row) => row.status)).toEqual(['enviada', 'erro', 'pendente', 'bloqueada', 'bloqueada']);
    expect(evolution.requests.map((request) => request.answeredWith)).toEqual(['status', 'status', 'ok']);
    expect(answers.filter((answer) => answer.status === 401).length).toBeGreaterThanOrEqual(4);

    const stored = await db.sql.query<{ erro: string | null }>(`SELECT erro FROM fila_mensagens`);
    const output = service.output;
    const errorBodies = answers.filter((answer) => answer.status >= 400);
    const where = [
      ['stdout/stderr', output],
      ['fila_mensagens.erro', stored.rows.map((row) => row.erro ?? '').join('\n')],
      ...errorBodies.map((answer) => [`${answer.request} → ${answer.status}`, answer.body]),
    ];
    const leaks: string[] = [];
    const secrets = {
      ADMIN_TOKEN,
      EVOLUTION_API_KEY,
      SLACK_WEBHOOK_URL: SLACK_PATH_SECRET,
      'DATABASE_URL password': role.password,
    };
    for (const [place, text] of where) {
      for (const [name, value] of Object.entries(secrets))
        if (text.includes(value)) leaks.push(`${name} in ${place}`);
      // the subscriber part (9 digits) is enough to identify a person; only `*****1234` may show
      for (const phone of Object.values(PHONES))
        if (text.includes(phone.slice(-9))) leaks.push(`${phone} in ${place}`);
    }
    expect(leaks).toEqual([]);
    // the provider's reply was stored, with the number masked and the echoed key removed
    expect(stored.rows.map((row) => row.erro).join('\n')).toMatch(/\*{5,}2222.*\[REDACTED\]/);
    // the credentials did reach log lines, and were redacted there
    expect(output).toContain('"authorization":"[REDACTED]"');
    expect(output).toContain('"apikey":"[REDACTED]"');
    expect(output).toContain('"cookie":"[REDACTED]"');
  });
});

async function insertLeads(db: TestDatabase): Promise<Record<keyof typeof PHONES, string>> {
  const ids = {} as Record<keyof typeof PHONES, string>;
  for (const [key, phone] of Object.entries(PHONES) as Array<[keyof typeof PHONES, string]>) {
    const { rows } = await db.sql.query<{ id: string }>(
      `INSERT INTO leads (telefone, nome, opted_out) VALUES ($1, $2, $3) RETURNING id`,
      [phone, `Dr. ${key}`, key === 'optedOut'],
    );
    ids[key] = rows[0].id;
  }
  return ids;
}

/** Replies (sent at any hour), in the order the provider's planned answers expect them. */
async function enqueue(db: TestDatabase, ids: Record<keyof typeof PHONES, string>): Promise<void> {
  const order: Array<keyof typeof PHONES> = ['refused', 'retried', 'sent', 'notAllowed', 'optedOut'];
  for (const [index, key] of order.entries())
    await db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, prioridade) VALUES ($1, $2, 'resposta', $3)`,
      [ids[key], `Olá, seu número ${PHONES[key]} foi cadastrado`, 10 - index],
    );
}

/** Wrong tokens, credentials in other headers, bad bodies: every answer kept to be searched. */
async function probeAdminApi(port: number, leadId: string): Promise<HttpAnswer[]> {
  const base = `http://127.0.0.1:${port}`;
  const json = { 'Content-Type': 'application/json' };
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const calls: Array<[string, string, Record<string, string>, string?]> = [
    ['GET', '/admin/jobs', { Authorization: `Bearer ${ADMIN_TOKEN}x` }],
    ['GET', '/admin/jobs', { Authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }],
    ['POST', '/admin/jobs/process_queue/run', { Authorization: `Basic ${ADMIN_TOKEN}` }],
    ['GET', '/admin/dead-letters', { apikey: EVOLUTION_API_KEY, 'x-api-key': ADMIN_TOKEN }],
    ['GET', '/admin/pilot', { Cookie: `token=${ADMIN_TOKEN}` }],
    ['POST', '/admin/messages', { ...auth, ...json }, JSON.stringify({ lead_id: PHONES.sent, conteudo: '' })],
    [
      'POST',
      '/admin/messages',
      { ...auth, ...json },
      JSON.stringify({ lead_id: leadId, conteudo: 'x', tipo: 5 }),
    ],
    ['POST', '/admin/messages', { ...auth, ...json }, `{"lead_id":"${leadId}","conteudo":`],
    ['POST', '/admin/messages', { ...auth, ...json }, JSON.stringify({ conteudo: 'a'.repeat(70_000) })],
    ['PUT', '/admin/pilot', { ...auth, ...json }, JSON.stringify({ pilot_mode: 'yes' })],
    ['POST', '/admin/dead-letters/redrive', { ...auth, ...json }, JSON.stringify({ ids: ['x'] })],
    ['POST', '/admin/handoffs/not-a-uuid/answer', { ...auth, ...json }, JSON.stringify({ answer: 'maybe' })],
  ];
  const answers: HttpAnswer[] = [];
  for (const [method, path, headers, body] of calls) {
    const response = await fetch(`${base}${path}`, { method, headers, body });
    answers.push({ request: `${method} ${path}`, status: response.status, body: await response.text() });
  }
  return answers;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(200);
  }
  throw new Error(`condition not met in ${timeoutMs} ms`);
}
