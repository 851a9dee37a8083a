import type { INestApplicationContext, ModuleMetadata } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/clock';
import { CommonModule } from '../../src/common/common.module';
import type { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { RedisModule } from '../../src/redis/redis.module';
import { SchedulerModule } from '../../src/scheduler/scheduler.module';

/** Nest logs in tests only with TEST_LOGS=1: expected failures would otherwise flood the output. */
export const showTestLogs = Boolean(process.env.TEST_LOGS);

/** For test files that build services without a Nest context. */
export function quietNestLogs(): void {
  if (!showTestLogs) Logger.overrideLogger(false);
}

/** A Redis key prefix of its own for each test file, so files can run in parallel. */
export function testRedisPrefix(file: string): string {
  return `test:${file}:${randomUUID().slice(0, 8)}:`;
}

/**
 * A Nest application context like `npm run job` builds (database, Redis, scheduler), plus the
 * modules under test, with an optional clock the test moves.
 */
export async function createSchedulerContext(
  config: AppConfig,
  imports: ModuleMetadata['imports'] = [],
  clock?: Clock,
  overrides: ReadonlyArray<{ provide: unknown; useValue: unknown }> = [],
): Promise<INestApplicationContext> {
  let builder = Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      CommonModule,
      DatabaseModule,
      RedisModule,
      SchedulerModule,
      ...imports,
    ],
  });
  if (clock) builder = builder.overrideProvider(Clock).useValue(clock);
  for (const { provide, useValue } of overrides)
    builder = builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  moduleRef.useLogger(showTestLogs ? new Logger() : false);
  try {
    return await moduleRef.init();
  } catch (error) {
    // a boot that fails half-way has already opened Redis and database connections
    await moduleRef.close().catch(() => undefined);
    throw error;
  }
}
