import type { INestApplicationContext } from '@nestjs/common';
import { FakeEvolutionServer } from '../../../test/fakes/fake-evolution-server';
import { fakeReply } from '../../../test/fakes/fake-reply';
import { enqueueReplies, statusCounts } from '../../../test/processes/queue-fixture';
import { testConfig } from '../../../test/utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../../../test/utils/test-context';
import {
  createTestDatabase,
  emptyQueueTables,
  testRedisUrl,
  type TestDatabase,
} from '../../../test/utils/test-database';
import { JobRunner } from '../../scheduler/job-runner';
import { FilaModule } from './fila.module';

// A backlog larger than one run can send within JOB_TIMEOUT (found by the queue fault suite: every run
// under a 2 000-row backlog ended `timeout` with 0 items, and /health/workers answered 503 stale on
// every replica while the queue was sending at full speed).

describe('process_queue with a backlog larger than one run can send', () => {
  let db: TestDatabase;
  let evolution: FakeEvolutionServer;
  let context: INestApplicationContext | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(`fila_run_budget_${process.pid}`);
  });
  beforeEach(async () => {
    evolution = await new FakeEvolutionServer({ apiKey: 'evo-key', instances: ['numero1'] }).start();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    await evolution.close();
    await emptyQueueTables(db.sql);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('ends before JOB_TIMEOUT as a success that counts what it sent, and puts the rest back untouched', async () => {
    // 2 at a time, 100 ms each: a few dozen messages fit in a 4 s run, far fewer than 300
    evolution.respondAlways(fakeReply.ok(undefined, 100));
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('fila-run-budget'),
      APP_ENV: 'production',
      WHATSAPP_PROVIDER: 'evolution',
      EVOLUTION_API_URL: evolution.url,
      EVOLUTION_API_KEY: 'evo-key',
      EVOLUTION_INSTANCE: 'numero1',
      RATE_LIMIT_PER_HOUR: '100000',
      RATE_LIMIT_PER_DAY: '1000000',
      RATE_LIMIT_PHONE_INTERVAL: '0',
      RATE_LIMIT_NUMBER_INTERVAL: '0',
      JOB_TIMEOUT: '4',
      WORKER_CONCURRENCY: '2',
      QUEUE_BATCH_SIZE: '10',
    });
    context = await createSchedulerContext(config, [FilaModule]);
    await enqueueReplies(db.sql, 'budget', 300);

    const outcome = await context.get(JobRunner).run('process_queue', { trigger: 'manual' });

    const counts = await statusCounts(db.sql);
    const { rows } = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM fila_mensagens
        WHERE status = 'pendente' AND tentativas = 0 AND envio_iniciado_em IS NULL AND erro IS NULL`,
    );
    expect(outcome).toMatchObject({ status: 'success', error: null });
    expect(outcome.durationMs).toBeLessThan(4000);
    expect(outcome.details).toMatchObject({ run_budget_spent: true });
    expect(counts.enviada).toBeGreaterThan(0);
    expect(outcome.itemsProcessed).toBe(counts.enviada);
    expect(evolution.requests).toHaveLength(counts.enviada);
    expect(counts).toEqual({ enviada: counts.enviada, pendente: 300 - counts.enviada });
    expect(rows[0].n).toBe(300 - counts.enviada);
  });
});
