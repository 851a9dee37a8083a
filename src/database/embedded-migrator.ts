import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { migrationNames } from './migrations-directory';

export interface MigrationFile {
  readonly name: string;
  readonly sql: string;
  /** sha256 hex of the file, as Prisma stores it */
  readonly checksum: string;
}

// Same DDL as Prisma's schema engine, so `prisma migrate status` and operators read it the same way.
const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies prisma/migrations to the embedded database (PGlite), where the Wasm schema engine of
 * `npm run db:migrate` is not used: each missing migration in its own transaction, recorded in
 * `_prisma_migrations` like `prisma migrate deploy` does.
 */
export class EmbeddedMigrator {
  private readonly logger = new Logger('EmbeddedMigrator');

  constructor(
    private readonly db: PGlite,
    private readonly migrationsDir: string,
  ) {}

  /** the names of the migrations applied now, in order */
  async migrate(): Promise<string[]> {
    await this.db.exec(MIGRATIONS_TABLE);
    const applied = await this.appliedChecksums();
    const pending: MigrationFile[] = [];
    for (const migration of readMigrations(this.migrationsDir)) {
      const checksum = applied.get(migration.name);
      if (checksum === undefined) pending.push(migration);
      else if (checksum !== migration.checksum)
        this.logger.warn(
          `migration ${migration.name} was edited after it was applied; the change is ignored`,
        );
    }
    for (const migration of pending) await this.apply(migration);
    if (pending.length > 0)
      this.logger.log(`applied ${pending.length} migration(s): ${pending.map((m) => m.name).join(', ')}`);
    return pending.map((m) => m.name);
  }

  private async appliedChecksums(): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Map(rows.map((row) => [row.migration_name, row.checksum]));
  }

  private async apply(migration: MigrationFile): Promise<void> {
    const startedAt = new Date();
    try {
      await this.db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, $4, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
      });
    } catch (error) {
      throw new Error(`embedded database: migration ${migration.name} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** prisma/migrations/<name>/migration.sql, in name order (Prisma's order) */
export function readMigrations(migrationsDir: string): MigrationFile[] {
  return migrationNames(migrationsDir).map((name) => {
    const bytes = readFileSync(join(migrationsDir, name, 'migration.sql'));
    return {
      name,
      sql: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    };
  });
}
