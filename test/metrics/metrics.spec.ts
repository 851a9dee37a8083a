import { Injectable, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Interval } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { Client } from 'pg';
import request from 'supertest';
import { configureHttpApp } from '../../src/admin/configure-http-app';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import { JobRunner } from '../../src/scheduler/job-runner';
import type { JobResult } from '../../src/scheduler/job.types';
import { FakeClock } from '../utils/fake-clock';
import { testConfig } from '../utils/test-config';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

@Injectable()
class MetricsTestJobs {
  @Interval('metrics_ok', 3_600_000)
  async ok(): Promise<JobResult> {
    return { itemsProcessed: 1 };
  }

  @Interval('metrics_failing', 3_600_000)
  async failing(): Promise<JobResult> {
    throw new Error('boom');
  }
}

@Module({ providers: [MetricsTestJobs] })
class MetricsTestJobsModule {}

function promtoolPath(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** the value of one sample line, e.g. value(text, 'job_runs_total{job="x",status="success"}') */
function value(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

describe('GET /metrics (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  const clock = new FakeClock(new Date());
  let body = '';

  beforeAll(async () => {
    db = await createTestDatabase('metrics');
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('metrics'),
      OUTBOUND_ALLOWLIST: '5511900000001',
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(config), MetricsTestJobsModule],
    })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
    configureHttpApp(app);
    await app.init();

    const { rows: leads } = await db.sql.query<{ id: string }>(
      `INSERT INTO leads (telefone, nome) VALUES ('5511900000001', 'Dra. Ana') RETURNING id`,
    );
    // two replies (sent at any hour) to one phone: the first goes out through the console provider, the
    // second waits for RATE_LIMIT_PHONE_INTERVAL (45 s)
    await db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, agendar_para)
       VALUES ($1, 'um', 'resposta', $2), ($1, 'dois', 'resposta', $2)`,
      [leads[0].id, clock.now()],
    );
    const runner = app.get(JobRunner);
    expect((await runner.run('process_queue', { trigger: 'manual' })).itemsProcessed).toBe(1);
    await runner.run('metrics_ok', { trigger: 'manual' });
    await runner.run('metrics_ok', { trigger: 'schedule', dueAt: new Date(clock.now().getTime() - 7_000) });
    await runner.run('metrics_failing', { trigger: 'manual' });
    await runner.run('metrics_failing', { trigger: 'manual' });
    // three due messages left waiting, the oldest for 10 minutes
    await db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, agendar_para)
       SELECT $1, 'espera', 'oferta', $2::timestamptz - make_interval(mins => n) FROM generate_series(8, 10) n`,
      [leads[0].id, clock.now()],
    );
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    body = response.text;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('counts runs by job and status, failures by job, and their durations', () => {
    expect(value(body, 'job_runs_total{job="metrics_ok",status="success"}')).toBe(2);
    expect(value(body, 'job_runs_total{job="metrics_failing",status="error"}')).toBe(2);
    expect(value(body, 'job_failures_total{job="metrics_failing"}')).toBe(2);
    expect(value(body, 'job_duration_seconds_count{job="metrics_ok"}')).toBe(2);
    expect(value(body, 'job_duration_seconds_bucket{le="+Inf",job="process_queue"}')).toBe(1);
  });

  it("exports every job's failure and run counters from start-up, at 0 until it happens", () => {
    // a series that appears at 1 has no earlier sample: increase(job_failures_total[1h]) would miss the
    // first failure after every restart (for a daily job, every failure)
    expect(value(body, 'job_failures_total{job="metrics_ok"}')).toBe(0);
    expect(value(body, 'job_failures_total{job="daily_report"}')).toBe(0);
    expect(value(body, 'job_runs_total{job="daily_report",status="error"}')).toBe(0);
    expect(value(body, 'job_runs_total{job="metrics_ok",status="timeout"}')).toBe(0);
    expect(body).not.toContain('job="fila_worker"');
  });

  it('reports the scheduler lag of clock ticks (start minus due time)', () => {
    expect(value(body, 'scheduler_lag_seconds{job="metrics_ok"}')).toBe(7);
    // manual runs have no due time
    expect(value(body, 'scheduler_lag_seconds{job="metrics_failing"}')).toBeUndefined();
  });

  it('reads the queue from the database: due pendente rows and the oldest wait', () => {
    expect(value(body, 'queue_size')).toBe(3);
    expect(value(body, 'queue_oldest_due_seconds')).toBe(600);
  });

  it('counts sends by provider, number and outcome, rate-limit deferrals and circuit state', () => {
    expect(value(body, 'messages_sent_total{provider="console",number="console",outcome="sent"}')).toBe(1);
    expect(value(body, 'messages_sent_total{provider="console",number="none",outcome="deferred"}')).toBe(1);
    expect(value(body, 'rate_limit_deferrals_total{reason="phone_interval"}')).toBe(1);
    expect(value(body, 'rate_limit_deferrals_total{reason="hourly_cap"}')).toBeUndefined();
    expect(value(body, 'circuit_state{provider="console",number="console"}')).toBe(0);
  });

  it('times each claim of a batch: one process_queue run with one short batch claims once', () => {
    expect(value(body, 'queue_claim_seconds_count')).toBe(1);
    expect(value(body, 'queue_claim_seconds_bucket{le="+Inf"}')).toBe(1);
    expect(value(body, 'queue_claim_seconds_sum')).toBeGreaterThan(0);
  });

  it('times each provider call by provider and result', () => {
    expect(value(body, 'provider_send_seconds_count{provider="console",result="sent"}')).toBe(1);
    expect(value(body, 'provider_send_seconds_bucket{le="+Inf",provider="console",result="sent"}')).toBe(1);
  });

  it('includes the process defaults, event-loop lag among them', () => {
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('caches the database gauges for a few seconds', async () => {
    const { rows } = await db.sql.query<{ id: string }>(`SELECT id FROM leads LIMIT 1`);
    await db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, agendar_para) VALUES ($1, 'nova', 'oferta', $2)`,
      [rows[0].id, clock.now()],
    );
    const cached = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(value(cached.text, 'queue_size')).toBe(3);
    clock.advance(6_000);
    const fresh = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(value(fresh.text, 'queue_size')).toBe(4);
  });

  it('keeps the last values when the database does not answer, instead of holding the scrape', async () => {
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    let lockHeld = true;
    try {
      // what another service's migration does: every read of fila_mensagens waits for the lock
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE fila_mensagens IN ACCESS EXCLUSIVE MODE');
      const release = setTimeout(() => {
        lockHeld = false;
        void locker.query('COMMIT');
      }, 20_000);
      clock.advance(6_000);
      const scrape = await request(app.getHttpServer()).get('/metrics').expect(200);
      const answeredWhileLocked = lockHeld;
      clearTimeout(release);
      expect(answeredWhileLocked).toBe(true);
      expect(value(scrape.text, 'queue_size')).toBe(4);
      expect(value(scrape.text, 'job_failures_total{job="metrics_failing"}')).toBe(2);
    } finally {
      await locker.query('COMMIT').catch(() => undefined);
      await locker.end();
    }
  });

  const promtool = promtoolPath();
  (promtool ? it : it.skip)(
    `passes promtool check metrics${promtool ? '' : ' (SKIPPED: promtool not installed; apt-get install prometheus)'}`,
    () => {
      const output = execFileSync(promtool!, ['check', 'metrics'], { input: body, encoding: 'utf8' });
      expect(output).toBe('');
    },
  );
});
