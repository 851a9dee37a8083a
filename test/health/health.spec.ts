import { INestApplication, Module, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { App } from 'supertest/types';
import { CommonModule } from '../../src/common/common.module';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { HealthModule } from '../../src/health/health.module';
import { QueueWorkerHealth, QueueWorkerState } from '../../src/health/queue-worker-health';
import type { WorkersHealthReport } from '../../src/health/workers-health.service';
import { RedisModule } from '../../src/redis/redis.module';
import { JobScheduler } from '../../src/scheduler/job-scheduler';
import { testConfig } from '../utils/test-config';
import { createTestDatabase, TestDatabase, testRedisUrl } from '../utils/test-database';
import { TcpProxy } from './tcp-proxy';

const MINUTE = 60_000;

/** The scheduler as HealthModule sees it; the tests decide whether it runs. */
class StubScheduler {
  running = true;
  isRunning(): boolean {
    return this.running;
  }
}

/** What the future fila module will provide; here the test decides the answer. */
class StubQueueWorkerHealth extends QueueWorkerHealth {
  current: QueueWorkerState = 'healthy';
  why: string | null = null;
  state(): QueueWorkerState {
    return this.current;
  }
  override reason(): string | null {
    return this.why;
  }
}
const queueWorkerHealth = new StubQueueWorkerHealth();

@Module({ providers: [{ provide: QueueWorkerHealth, useValue: queueWorkerHealth }] })
class FakeFilaModule {}

interface Booted {
  app: INestApplication<App>;
  proxy: TcpProxy;
  scheduler: StubScheduler;
}

let db: TestDatabase;
const booted: Booted[] = [];

/** HealthModule with the real PrismaService (through a proxy the test can break) and the real RedisService. */
async function boot(options: { redis: boolean; extraModules?: Type[] }): Promise<Booted> {
  const target = new URL(db.url);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  const proxied = new URL(db.url);
  proxied.port = String(await proxy.listen());
  const config = testConfig({
    DATABASE_URL: proxied.toString(),
    REDIS_URL: options.redis ? testRedisUrl : undefined,
  });
  const scheduler = new StubScheduler();
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      CommonModule,
      DatabaseModule,
      RedisModule,
      HealthModule,
      ...(options.extraModules ?? []),
    ],
  })
    .overrideProvider(JobScheduler)
    .useValue(scheduler)
    .compile();
  const app = moduleRef.createNestApplication<INestApplication<App>>({ logger: ['error'] });
  await app.init();
  const result = { app, proxy, scheduler };
  booted.push(result);
  return result;
}

async function getWorkers(app: INestApplication<App>, expectedStatus: number) {
  const started = Date.now();
  const response = await request(app.getHttpServer()).get('/health/workers').expect(expectedStatus);
  return { body: response.body as WorkersHealthReport, elapsedMs: Date.now() - started };
}

function expectContractFields(body: WorkersHealthReport) {
  expect(['running', 'stopped']).toContain(body.scheduler);
  expect(['healthy', 'paused', 'stale', 'not_configured']).toContain(body.fila_worker);
  expect(Number.isInteger(body.queue_size)).toBe(true);
  if (body.last_job_at !== null) expect(new Date(body.last_job_at).toISOString()).toBe(body.last_job_at);
}

beforeAll(async () => {
  db = await createTestDatabase('health');
});

afterAll(async () => {
  for (const { app, proxy } of booted) {
    await app.close();
    await proxy.close();
  }
  await db.drop();
});

describe('GET /health/workers (PostgreSQL and Redis on this machine)', () => {
  let subject: Booted;
  const lastFinishedAt = new Date(Date.now() - 2 * MINUTE);

  beforeAll(async () => {
    subject = await boot({ redis: true });
    const {
      rows: [lead],
    } = await db.sql.query<{ id: string }>(
      `INSERT INTO leads (telefone) VALUES ('5511987654321') RETURNING id`,
    );
    await db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, agendar_para) VALUES
         ($1, 'due', 'oferta', 'pendente', now() - interval '1 minute'),
         ($1, 'later', 'oferta', 'pendente', now() + interval '1 hour'),
         ($1, 'sent', 'oferta', 'enviada', now() - interval '1 hour'),
         ($1, 'failed', 'oferta', 'erro', now() - interval '1 hour')`,
      [lead.id],
    );
    await db.sql.query(
      `INSERT INTO job_executions (job_name, started_at, finished_at, status, duration_ms) VALUES
         ('temperature_decay', $1, $2, 'success', 60000),
         ('daily_report', $3, NULL, 'running', NULL)`,
      [
        new Date(lastFinishedAt.getTime() - MINUTE),
        lastFinishedAt,
        new Date(lastFinishedAt.getTime() - 30_000),
      ],
    );
  });

  afterEach(() => {
    subject.scheduler.running = true;
    subject.proxy.forward();
  });

  it('GET /health answers 200 while the process serves', async () => {
    const response = await request(subject.app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is 200 with the contract fields when everything is up', async () => {
    const { body } = await getWorkers(subject.app, 200);
    expectContractFields(body);
    expect(body).toMatchObject({
      status: 'ok',
      scheduler: 'running',
      fila_worker: 'not_configured',
      queue_size: 1,
      last_job_at: lastFinishedAt.toISOString(),
      details: {
        database: { status: 'up', stats: 'current' },
        redis: { status: 'up' },
        scheduler: { status: 'up', state: 'running' },
        fila_worker: { status: 'up', state: 'not_configured' },
      },
    });
  });

  it('takes last_job_at from a run still going when it started after every finish', async () => {
    const startedAt = new Date(Date.now() - 10_000);
    await db.sql.query(
      `INSERT INTO job_executions (job_name, started_at, status) VALUES ('sync_briefing', $1, 'running')`,
      [startedAt],
    );
    try {
      const { body } = await getWorkers(subject.app, 200);
      expect(body.last_job_at).toBe(startedAt.toISOString());
    } finally {
      await db.sql.query(`DELETE FROM job_executions WHERE job_name = 'sync_briefing'`);
    }
  });

  it('is 503 with the same fields when the scheduler is stopped', async () => {
    subject.scheduler.running = false;
    const { body } = await getWorkers(subject.app, 503);
    expectContractFields(body);
    expect(body).toMatchObject({
      status: 'error',
      scheduler: 'stopped',
      fila_worker: 'not_configured',
      queue_size: 1,
      last_job_at: lastFinishedAt.toISOString(),
      details: { database: { status: 'up' }, scheduler: { status: 'down', state: 'stopped' } },
    });
  });

  it('is 503 within the check timeout when the database hangs, with the last known figures', async () => {
    subject.proxy.hang();
    const { body, elapsedMs } = await getWorkers(subject.app, 503);
    expect(elapsedMs).toBeLessThan(5_000);
    expectContractFields(body);
    expect(body).toMatchObject({
      status: 'error',
      scheduler: 'running',
      queue_size: 1,
      last_job_at: lastFinishedAt.toISOString(),
      details: {
        database: { status: 'down', stats: 'last_known', message: expect.stringContaining('timeout') },
        redis: { status: 'up' },
      },
    });
    expect(body.details.database.stats_read_at).not.toBeNull();
  });

  it('says why a failing statement failed (the driver’s words), not which Prisma call it was', async () => {
    // what an operator meets after a restore that missed a table, or a role that lost a grant
    await db.sql.query(`ALTER TABLE job_executions RENAME TO job_executions_elsewhere`);
    try {
      const { body } = await getWorkers(subject.app, 503);
      expect(body.details.database.status).toBe('down');
      expect(body.details.database.message).toMatch(/relation "job_executions" does not exist/);
    } finally {
      await db.sql.query(`ALTER TABLE job_executions_elsewhere RENAME TO job_executions`);
    }
  });

  it('is 503 quickly when the database refuses connections, and 200 again once it is back', async () => {
    subject.proxy.refuse();
    const down = await getWorkers(subject.app, 503);
    expect(down.elapsedMs).toBeLessThan(5_000);
    expectContractFields(down.body);
    expect(down.body).toMatchObject({
      status: 'error',
      queue_size: 1,
      details: { database: { status: 'down' } },
    });

    subject.proxy.forward();
    const { body } = await getWorkers(subject.app, 200);
    expect(body).toMatchObject({
      status: 'ok',
      queue_size: 1,
      details: { database: { status: 'up', stats: 'current' } },
    });
  });
});

describe('GET /health/workers with a queue worker and without Redis', () => {
  let subject: Booted;

  beforeAll(async () => {
    subject = await boot({ redis: false, extraModules: [FakeFilaModule] });
  });

  afterEach(() => {
    queueWorkerHealth.current = 'healthy';
    subject.proxy.forward();
  });

  it('reports 0 and null, not made-up figures, when the database was never readable', async () => {
    subject.proxy.hang();
    const { body } = await getWorkers(subject.app, 503);
    expectContractFields(body);
    expect(body).toMatchObject({
      status: 'error',
      last_job_at: null,
      queue_size: 0,
      details: { database: { status: 'down', stats: 'unavailable', stats_read_at: null } },
    });
  });

  it('asks the queue worker’s QueueWorkerHealth, and says Redis is not configured', async () => {
    const { body } = await getWorkers(subject.app, 200);
    expect(body).toMatchObject({
      status: 'ok',
      fila_worker: 'healthy',
      details: { redis: { status: 'not_configured' }, fila_worker: { status: 'up', state: 'healthy' } },
    });
  });

  it('is 503 when the queue worker is stale', async () => {
    queueWorkerHealth.current = 'stale';
    const { body } = await getWorkers(subject.app, 503);
    expectContractFields(body);
    expect(body).toMatchObject({
      status: 'error',
      scheduler: 'running',
      fila_worker: 'stale',
      details: { database: { status: 'up' }, fila_worker: { status: 'down', state: 'stale' } },
    });
  });

  it('is 200 when an operator paused the queue worker, saying who and since when', async () => {
    queueWorkerHealth.current = 'paused';
    queueWorkerHealth.why = 'process_queue paused by admin since 2026-03-02T13:00:00.000Z';
    const { body } = await getWorkers(subject.app, 200);
    expectContractFields(body);
    expect(body).toMatchObject({
      status: 'ok',
      fila_worker: 'paused',
      details: {
        fila_worker: {
          status: 'up',
          state: 'paused',
          message: 'process_queue paused by admin since 2026-03-02T13:00:00.000Z',
        },
      },
    });
    queueWorkerHealth.current = 'healthy';
    queueWorkerHealth.why = null;
  });
});
