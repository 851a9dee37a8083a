import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { DataDirLock } from './data-dir.lock';
import { EmbeddedMigrator } from './embedded-migrator';
import { findMigrationsDirectory } from './migrations-directory';

/** PostgreSQL compiled to Wasm (PGlite) in `<EMBEDDED_DATA_DIR>/pglite`, used when DATABASE_URL is unset. */
export class EmbeddedDatabase {
  private static readonly logger = new Logger('Database');

  private constructor(
    readonly pglite: PGlite,
    readonly dataDir: string,
    private readonly lock: DataDirLock,
  ) {}

  /** Opens (creating on first use, ~10 s) and migrates the database before anybody can query it. */
  static async open(baseDir: string, migrationsDir = findMigrationsDirectory()): Promise<EmbeddedDatabase> {
    const root = resolve(baseDir);
    const dataDir = join(root, 'pglite');
    mkdirSync(dataDir, { recursive: true });
    const lock = new DataDirLock(join(root, 'pglite.lock'));
    lock.acquire();
    let pglite: PGlite | undefined;
    try {
      pglite = await PGlite.create({ dataDir });
      await new EmbeddedMigrator(pglite, migrationsDir).migrate();
    } catch (error) {
      await pglite?.close().catch(() => undefined);
      lock.release();
      throw error;
    }
    this.logger.warn(
      `DATABASE_URL is not set: using the embedded database in ${dataDir}, ` +
        'for development and a single replica only (set DATABASE_URL for production)',
    );
    return new EmbeddedDatabase(pglite, dataDir, lock);
  }

  async close(): Promise<void> {
    try {
      if (!this.pglite.closed) await this.pglite.close();
    } finally {
      this.lock.release();
    }
  }
}
