import { Logger } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { AppConfig } from '../config/app-config';
import { outsideRun } from '../logging/job-log-context';
import { EmbeddedDatabase } from './embedded-database';
import { findMigrationsDirectory, migrationNames } from './migrations-directory';
import { pgPoolConfig, type PgPoolOptions } from './pg-pool-config';
import { PrismaService } from './prisma.service';
import { statementTimeoutMs } from './statement-timeout';

/** PrismaService on DATABASE_URL (pg adapter), or on the embedded database when it is unset. */
export async function createPrismaService(config: AppConfig): Promise<PrismaService> {
  if (config.DATABASE_URL !== undefined)
    return createPgPrismaService(config.DATABASE_URL, {
      statementTimeoutMs: statementTimeoutMs(config.jobTimeoutMs),
      requiredMigrations: migrationNames(findMigrationsDirectory()),
    });
  const embedded = await EmbeddedDatabase.open(config.EMBEDDED_DATA_DIR);
  return new PrismaService(new PrismaPGlite(embedded.pglite), {
    description: `embedded database ${embedded.dataDir}`,
    onClose: () => embedded.close(),
  });
}

export interface PgPrismaServiceOptions extends PgPoolOptions {
  /** refuse to start on a database that lacks one of these migrations (see PrismaService) */
  readonly requiredMigrations?: readonly string[];
}

export function createPgPrismaService(
  connectionString: string,
  options: PgPrismaServiceOptions = {},
): PrismaService {
  const logger = new Logger('Database');
  const adapter = new PrismaPg(pgPoolConfig(connectionString, options), {
    // a pooled connection outlives the run that opened it: its failure is not that run's
    onPoolError: (error) =>
      outsideRun(() => logger.warn(`idle database connection failed: ${error.message}`)),
    onConnectionError: (error) =>
      outsideRun(() => logger.warn(`database connection failed: ${error.message}`)),
  });
  return new PrismaService(adapter, {
    description: describeDatabaseUrl(connectionString),
    requiredMigrations: options.requiredMigrations,
  });
}

/** host:port/database, without user or password */
export function describeDatabaseUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
