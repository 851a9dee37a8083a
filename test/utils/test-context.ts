import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule, type TestingModuleBuilder } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/clock';
import { CommonModule } from '../../src/common/common.module';
import type { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { RedisModule } from '../../src/redis/redis.module';
import { JobLogger } from '../../src/scheduler/job-logger';
import type { JobContext } from '../../src/scheduler/job.types';
import { SchedulerModule } from '../../src/scheduler/scheduler.module';
import { domainTestGlobals } from '../domain-workers/domain-test-globals';
import { createTestDatabase, type TestDatabase } from './test-database';

/** Nest logs in tests only with TEST_LOGS=1: expected failures would otherwise flood the output. */
export const showTestLogs = Boolean(process.env.TEST_LOGS);

/** GRUPOS_CORPUS_REPORT=1 prints the grupos corpus evaluation's per-message report. */
export const showCorpusReport = Boolean(process.env.GRUPOS_CORPUS_REPORT);

/** For test files that build services without a Nest context. */
export function quietNestLogs(): void {
  if (!showTestLogs) Logger.overrideLogger(false);
}

/** A Redis key prefix of its own for each test file, so files can run in parallel. */
export function testRedisPrefix(file: string): string {
  return `test:${file}:${randomUUID().slice(0, 8)}:`;
}

/** A provider replaced by a value of the test's, e.g. a smaller page size. */
export interface ProviderOverride {
  provide: unknown;
  useValue: unknown;
}

/**
 * A Nest application context like `npm run job` builds (database, Redis, scheduler), plus the
 * modules under test, with an optional clock the test moves.
 */
export async function createSchedulerContext(
  config: AppConfig,
  imports: ModuleMetadata['imports'] = [],
  clock?: Clock,
  overrides: ReadonlyArray<ProviderOverride> = [],
): Promise<INestApplicationContext> {
  const builder = Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      CommonModule,
      DatabaseModule,
      RedisModule,
      SchedulerModule,
      ...imports,
    ],
  });
  const clockOverride = clock ? [{ provide: Clock, useValue: clock }] : [];
  const moduleRef = await withOverrides(builder, [...clockOverride, ...overrides]).compile();
  moduleRef.useLogger(showTestLogs ? new Logger() : false);
  return initOrClose(moduleRef);
}

export interface WorkerHarnessOptions {
  /** the test file's own database */
  database: string;
  /** the job the tests run, named in every JobContext */
  jobName: string;
  /** the clock every compiled worker and JobContext reads */
  clock: Clock;
}

/**
 * For a worker's integration spec: the file's own database, and the worker's module compiled alone on
 * what the app module gives every worker (domainTestGlobals), without the scheduler: the tests call the
 * worker as the runner would. Each compile has its own Prisma pool and Redis client, as a replica would.
 */
export class WorkerHarness {
  db!: TestDatabase;
  private readonly compiled: TestingModule[] = [];

  constructor(private readonly options: WorkerHarnessOptions) {}

  /** a replica of the worker; closed with the harness */
  async compile(
    config: AppConfig,
    imports: ModuleMetadata['imports'],
    overrides: ReadonlyArray<ProviderOverride> = [],
  ): Promise<TestingModule> {
    const builder = Test.createTestingModule({
      imports: [domainTestGlobals(this.db.url, config, this.options.clock), ...(imports ?? [])],
    });
    const moduleRef = await initOrClose(await withOverrides(builder, overrides).compile());
    this.compiled.push(moduleRef);
    return moduleRef;
  }

  /** what the runner hands the worker on a manual run */
  jobContext(signal = new AbortController().signal, stopping = new AbortController().signal): JobContext {
    return {
      jobName: this.options.jobName,
      executionId: 'test-exec',
      trigger: 'manual',
      signal,
      stopping,
      logger: new JobLogger(this.options.jobName, 'test-exec'),
      clock: this.options.clock,
    };
  }

  async open(): Promise<void> {
    Logger.overrideLogger(['error']);
    this.db = await createTestDatabase(this.options.database);
  }

  async close(): Promise<void> {
    for (const moduleRef of this.compiled.splice(0)) await moduleRef.close();
    await this.db?.drop();
  }
}

/** A WorkerHarness whose database opens and closes with the enclosing describe. */
export function useWorkerHarness(options: WorkerHarnessOptions): WorkerHarness {
  const harness = new WorkerHarness(options);
  beforeAll(() => harness.open());
  afterAll(() => harness.close());
  return harness;
}

function withOverrides(
  builder: TestingModuleBuilder,
  overrides: ReadonlyArray<ProviderOverride>,
): TestingModuleBuilder {
  for (const { provide, useValue } of overrides)
    builder = builder.overrideProvider(provide).useValue(useValue);
  return builder;
}

async function initOrClose(moduleRef: TestingModule): Promise<TestingModule> {
  try {
    return await moduleRef.init();
  } catch (error) {
    // a boot that fails half-way has already opened Redis and database connections
    await moduleRef.close().catch(() => undefined);
    throw error;
  }
}
