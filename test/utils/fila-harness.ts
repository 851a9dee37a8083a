import type { INestApplicationContext } from '@nestjs/common';
import { InProcessLockService } from '../../src/redis/in-process-lock.service';
import { LockService } from '../../src/redis/lock.service';
import type { JobRunOutcome } from '../../src/scheduler/job-run-outcome';
import { JobRunner } from '../../src/scheduler/job-runner';
import { FilaModule } from '../../src/workers/fila/fila.module';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { FakeClock } from './fake-clock';
import { testConfig } from './test-config';
import { createSchedulerContext, testRedisPrefix } from './test-context';
import { createTestDatabase, emptyQueueTables, testRedisUrl, type TestDatabase } from './test-database';

/** Monday 2026-03-02 10:00 in São Paulo (13:00 UTC): inside the default business hours. */
export const MONDAY_10H = '2026-03-02T13:00:00Z';
/** An hour earlier: a row scheduled for it is due at MONDAY_10H. */
export const MONDAY_9H = '2026-03-02T12:00:00Z';

/** A `fila_mensagens` row as pg returns it (timestamps as Date). */
export interface QueueMessageRow {
  id: string;
  lead_id: string;
  conteudo: string;
  tipo: string;
  status: string;
  erro: string | null;
  tentativas: number;
  agendar_para: Date;
  processando_desde: Date | null;
  envio_iniciado_em: Date | null;
  enviada_em: Date | null;
  numero_envio: string | null;
  provider_message_id: string | null;
  [column: string]: unknown;
}

export interface FilaHarnessOptions {
  /** the test file's own database */
  database: string;
  /** names the Redis key prefix each worker gets */
  redisLabel: string;
  /** what the file's workers all run with, on top of the Evolution provider settings */
  env: Record<string, string>;
}

export interface FilaWorker {
  context: INestApplicationContext;
  clock: FakeClock;
  run: () => Promise<JobRunOutcome>;
}

/**
 * The queue worker as `npm run job process_queue` runs it, on the file's own database, sending through a
 * fake Evolution API (instances numero1 and numero2) that each test gets fresh.
 */
export class FilaHarness {
  db!: TestDatabase;
  evolution!: FakeEvolutionServer;
  private readonly contexts: INestApplicationContext[] = [];

  constructor(private readonly options: FilaHarnessOptions) {}

  /** A replica: its own Nest context, Redis key prefix and job lock, on the shared database and provider. */
  async worker(env: Record<string, string> = {}, clock = new FakeClock(MONDAY_10H)): Promise<FilaWorker> {
    const config = testConfig({
      DATABASE_URL: this.db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix(this.options.redisLabel),
      APP_ENV: 'production',
      WHATSAPP_PROVIDER: 'evolution',
      EVOLUTION_API_URL: this.evolution.url,
      EVOLUTION_API_KEY: 'evo-key',
      EVOLUTION_INSTANCE: 'numero1,numero2',
      RATE_LIMIT_PHONE_INTERVAL: '0',
      RATE_LIMIT_NUMBER_INTERVAL: '0',
      ...this.options.env,
      ...env,
    });
    // a lock of its own (not Redis fenced by the shared database), so two replicas' claims really race
    const context = await createSchedulerContext(config, [FilaModule], clock, [
      { provide: LockService, useValue: new InProcessLockService() },
    ]);
    this.contexts.push(context);
    const runner = context.get(JobRunner);
    return {
      context,
      clock,
      run: () => runner.run('process_queue', { trigger: 'manual' }),
    };
  }

  /** a lead with this phone (null: none) and any other columns */
  async lead(telefone: string | null, columns: Record<string, unknown> = {}): Promise<string> {
    return this.insert('leads', { telefone, ...columns });
  }

  /**
   * Only the required columns plus what the test says, like a plain SQL INSERT from another service:
   * an offer due at MONDAY_9H unless told otherwise.
   */
  async enqueue(columns: Record<string, unknown>): Promise<string> {
    return this.insert('fila_mensagens', {
      conteudo: 'Olá, temos um plantão',
      tipo: 'oferta',
      agendar_para: MONDAY_9H,
      ...columns,
    });
  }

  async message(id: string): Promise<QueueMessageRow> {
    const { rows } = await this.db.sql.query<QueueMessageRow>(`SELECT * FROM fila_mensagens WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  async open(): Promise<void> {
    this.db = await createTestDatabase(this.options.database);
  }

  async startProvider(): Promise<void> {
    this.evolution = await new FakeEvolutionServer({
      apiKey: 'evo-key',
      instances: ['numero1', 'numero2'],
    }).start();
  }

  /** after each test: its workers and provider stop, and the queue is empty again */
  async reset(): Promise<void> {
    await Promise.all(this.contexts.splice(0).map((context) => context.close()));
    await this.evolution.close();
    await emptyQueueTables(this.db.sql);
  }

  async close(): Promise<void> {
    await this.db.drop();
  }

  private async insert(table: string, row: Record<string, unknown>): Promise<string> {
    const names = Object.keys(row);
    const placeholders = names.map((name, i) => (name === 'metadata' ? `$${i + 1}::jsonb` : `$${i + 1}`));
    const { rows } = await this.db.sql.query<{ id: string }>(
      `INSERT INTO ${table} (${names.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id`,
      Object.values(row),
    );
    return rows[0].id;
  }
}

/** A FilaHarness whose database, provider and cleanup follow the enclosing describe's tests. */
export function useFilaHarness(options: FilaHarnessOptions): FilaHarness {
  const harness = new FilaHarness(options);
  beforeAll(() => harness.open());
  beforeEach(() => harness.startProvider());
  afterEach(() => harness.reset());
  afterAll(() => harness.close());
  return harness;
}
