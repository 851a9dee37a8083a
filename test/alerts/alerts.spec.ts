import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { AlertsModule } from '../../src/alerts/alerts.module';
import { CHECK_ALERTS_JOB } from '../../src/alerts/alerts.constants';
import { AlertCooldown } from '../../src/notifications/alert-cooldown';
import { JobRunner } from '../../src/scheduler/job-runner';
import { FakeHttpServer } from '../domain-workers/fake-http-server';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

class WarnCapture implements LoggerService {
  readonly warnings: unknown[] = [];
  log() {}
  error() {}
  warn(message: unknown) {
    this.warnings.push(message);
  }
}

interface Scenario {
  kind: string;
  /** makes the rule fire */
  arrange(db: TestDatabase, leadId: string): Promise<unknown>;
  /** the Slack text of the alert */
  text: RegExp;
}

const scenarios: Scenario[] = [
  {
    kind: 'queue_size',
    arrange: (db, leadId) =>
      db.sql.query(
        `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, agendar_para)
         SELECT $1, 'x', 'oferta', now() - interval '1 minute' FROM generate_series(1, 101)`,
        [leadId],
      ),
    text: /queue_size is 101 due messages/,
  },
  {
    kind: 'queue_oldest_due',
    arrange: (db, leadId) =>
      db.sql.query(
        `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, agendar_para)
         VALUES ($1, 'x', 'oferta', now() - interval '16 minutes')`,
        [leadId],
      ),
    text: /oldest due message has waited 16 min/,
  },
  {
    kind: 'long_run',
    arrange: (db) =>
      db.sql.query(
        `INSERT INTO job_executions (job_name, started_at, finished_at, status, duration_ms)
         VALUES ('grupos_worker', now() - interval '2 minutes', now() - interval '1 minute', 'success', 61000)`,
      ),
    text: /runs longer than 60 s: grupos_worker \(61s\)/,
  },
  {
    kind: 'job_failures',
    arrange: (db) =>
      db.sql.query(
        `INSERT INTO job_executions (job_name, started_at, finished_at, status, duration_ms, error)
         SELECT 'sync_briefing', now() - interval '1 minute', now(), 'error', 10, 'boom' FROM generate_series(1, 4)`,
      ),
    text: /more than 3 failures in 5 min: sync_briefing \(4 failures\)/,
  },
  {
    kind: 'scheduler_lag',
    arrange: (db) =>
      db.sql.query(
        `INSERT INTO job_executions (job_name, trigger, due_at, started_at, finished_at, status, duration_ms)
         VALUES ('temperature_decay', 'schedule', now() - interval '40 seconds', now() - interval '5 seconds',
                 now(), 'success', 5)`,
      ),
    text: /scheduler lag above 30 s: temperature_decay \(35 s late\)/,
  },
];

describe('check_alerts (two replicas on real PostgreSQL and Redis, Slack over HTTP)', () => {
  let db: TestDatabase;
  let slack: FakeHttpServer;
  let leadId: string;
  const replicas: INestApplicationContext[] = [];
  const logs = new WarnCapture();

  const check = async (replica: INestApplicationContext) => {
    const outcome = await replica.get(JobRunner).run(CHECK_ALERTS_JOB, { trigger: 'manual' });
    expect(outcome.status).toBe('success');
    return outcome.details as { firing: string[]; alerted: string[]; resolved: string[] };
  };

  beforeAll(async () => {
    db = await createTestDatabase('alerts');
    slack = new FakeHttpServer();
    const slackUrl = await slack.start();
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('alerts'),
      SLACK_WEBHOOK_URL: slackUrl,
    });
    for (let i = 0; i < 2; i++) replicas.push(await createSchedulerContext(config, [AlertsModule]));
    replicas[0].useLogger(logs);
    const { rows } = await db.sql.query<{ id: string }>(
      `INSERT INTO leads (telefone) VALUES ('5511900000002') RETURNING id`,
    );
    leadId = rows[0].id;
  });

  afterEach(async () => {
    await db.sql.query(`DELETE FROM fila_mensagens; DELETE FROM job_executions`);
    slack.reset();
    // each test starts with no cooldown running
    for (const { kind } of scenarios) await replicas[0].get(AlertCooldown).giveBack(kind);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await slack?.stop();
    await db?.drop();
  });

  it('stays quiet when nothing is wrong', async () => {
    expect(await check(replicas[0])).toEqual({ firing: [], alerted: [], resolved: [] });
    expect(slack.requests).toHaveLength(0);
  });

  it.each(scenarios)(
    '$kind: fires once (WARN and Slack), respects the cooldown on both replicas, then resolves once',
    async ({ kind, arrange, text }) => {
      const [a, b] = replicas;
      await arrange(db, leadId);
      expect(await check(a)).toMatchObject({ firing: [kind], alerted: [kind] });
      expect(slack.texts()).toEqual([expect.stringMatching(text)]);
      expect(slack.texts()[0]).toMatch(/^:warning: /);
      // under the job's name and run, as every job's lines are (grep check_alerts finds the alerts too)
      expect(logs.warnings).toContainEqual(
        expect.objectContaining({
          msg: 'alert',
          kind,
          text: expect.stringMatching(text),
          job: 'check_alerts',
          execution_id: expect.any(String),
        }),
      );

      // still firing: the 30 min cooldown is shared through Redis, so neither replica repeats it
      expect(await check(b)).toMatchObject({ firing: [kind], alerted: [] });
      expect(await check(a)).toMatchObject({ firing: [kind], alerted: [] });
      expect(slack.requests).toHaveLength(1);

      await db.sql.query(`DELETE FROM fila_mensagens; DELETE FROM job_executions`);
      expect(await check(b)).toMatchObject({ firing: [], resolved: [kind] });
      expect(await check(a)).toMatchObject({ firing: [], resolved: [] });
      expect(slack.texts()).toHaveLength(2);
      expect(slack.texts()[1]).toMatch(/^:white_check_mark: resolved: /);
    },
  );

  it('job_failures counts a failure when it happened: runs that timed out at JOB_TIMEOUT count too', async () => {
    // four runs of a 300 s JOB_TIMEOUT, each recorded as timeout a minute ago: they started 6 min ago
    await db.sql.query(
      `INSERT INTO job_executions (job_name, started_at, finished_at, status, duration_ms, error)
       SELECT 'grupos_worker', now() - interval '6 minutes', now() - interval '1 minute', 'timeout', 300000,
              'timed out' FROM generate_series(1, 4)`,
    );
    expect(await check(replicas[0])).toMatchObject({ firing: expect.arrayContaining(['job_failures']) });
    expect(slack.texts()).toContainEqual(
      expect.stringMatching(/more than 3 failures in 5 min: grupos_worker \(4 failures\)/),
    );
    // resolved here, so no later test sees these kinds' "resolved" posts
    await db.sql.query(`DELETE FROM job_executions`);
    expect(await check(replicas[0])).toMatchObject({ resolved: expect.arrayContaining(['job_failures']) });
  });

  it('a "resolved" whose Slack post failed is posted by the next check, so the channel does not end on the warning', async () => {
    const [a, b] = replicas;
    await scenarios[0].arrange(db, leadId);
    expect(await check(a)).toMatchObject({ alerted: ['queue_size'] });
    await db.sql.query(`DELETE FROM fila_mensagens`);
    slack.answerNext({ status: 503 }, { status: 503 }); // both attempts of the "resolved" post fail
    await check(b);
    expect(slack.requests).toHaveLength(3);

    expect(await check(a)).toMatchObject({ firing: [], resolved: ['queue_size'] });
    expect(slack.texts()).toHaveLength(4);
    expect(slack.texts()[3]).toMatch(/^:white_check_mark: resolved: queue_size is back to 0/);
    expect(await check(b)).toMatchObject({ resolved: [] });
    expect(slack.requests).toHaveLength(4);
  });

  it('an alert whose Slack post failed is posted by the next check: the cooldown keeps repeats out, not deliveries', async () => {
    const [a, b] = replicas;
    await scenarios[0].arrange(db, leadId);
    slack.answerNext({ status: 503 }, { status: 503 }); // both attempts of the post fail
    expect(await check(a)).toMatchObject({ firing: ['queue_size'] });
    expect(slack.requests).toHaveLength(2);

    expect(await check(b)).toMatchObject({ firing: ['queue_size'], alerted: ['queue_size'] });
    expect(slack.texts()[2]).toMatch(/^:warning: queue_size is 101 due messages/);
    expect(await check(a)).toMatchObject({ firing: ['queue_size'], alerted: [] });
    expect(slack.requests).toHaveLength(3);
  });
});
