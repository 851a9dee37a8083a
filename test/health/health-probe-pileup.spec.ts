import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import { App } from 'supertest/types';
import { CommonModule } from '../../src/common/common.module';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { PrismaService } from '../../src/database/prisma.service';
import { HealthModule } from '../../src/health/health.module';
import { QueueWorkerHealth, QueueWorkerState } from '../../src/health/queue-worker-health';
import { RedisModule } from '../../src/redis/redis.module';
import { JobScheduler } from '../../src/scheduler/job-scheduler';
import { testConfig } from '../utils/test-config';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/** more probes than the pool has connections (10) */
const PROBES = 12;

/** A queue worker whose own check reads a table, as FilaHealth does. */
class TableReadingQueueWorkerHealth extends QueueWorkerHealth {
  prisma!: PrismaService;
  async state(): Promise<QueueWorkerState> {
    await this.prisma.$queryRaw`SELECT count(*) FROM fila_mensagens`;
    return 'healthy';
  }
}
const queueWorkerHealth = new TableReadingQueueWorkerHealth();

@Module({ providers: [{ provide: QueueWorkerHealth, useValue: queueWorkerHealth }] })
class FakeFilaModule {}

describe('GET /health/workers while a table lock holds its reads (another service’s migration)', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let locker: Client;

  beforeAll(async () => {
    db = await createTestDatabase('health_probe_pileup');
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(testConfig({ DATABASE_URL: db.url })),
        CommonModule,
        DatabaseModule,
        RedisModule,
        HealthModule,
        FakeFilaModule,
      ],
    })
      .overrideProvider(JobScheduler)
      .useValue({ isRunning: () => true })
      .compile();
    app = moduleRef.createNestApplication<INestApplication<App>>({ logger: ['error'] });
    await app.init();
    queueWorkerHealth.prisma = app.get(PrismaService);
    locker = new Client({ connectionString: db.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.query('ROLLBACK').catch(() => undefined);
    await locker?.end();
    await app?.close();
    await db?.drop();
  });

  it('answers 503 in time without leaving a connection behind per probe, so the jobs still get one', async () => {
    await request(app.getHttpServer()).get('/health/workers').expect(200);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE fila_mensagens IN ACCESS EXCLUSIVE MODE');

    const started = Date.now();
    const probes = await Promise.all(
      Array.from({ length: PROBES }, () => request(app.getHttpServer()).get('/health/workers')),
    );
    expect(probes.map((probe) => probe.status)).toEqual(Array(PROBES).fill(503));
    expect(Date.now() - started).toBeLessThan(5_000);

    // the pool still serves the rest of the service (any job's query) while the lock is held
    expect(await app.get(PrismaService).ping(2_000)).toBe(true);
    const { rows } = await db.sql.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'whats-workers' AND wait_event_type = 'Lock'`,
    );
    expect(rows[0].waiting).toBeLessThanOrEqual(2);

    await locker.query('COMMIT');
    await request(app.getHttpServer()).get('/health/workers').expect(200);
  });
});
