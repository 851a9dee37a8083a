import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/**
 * Where test databases are created (CONTRACT §1): PostgreSQL on this machine unless TEST_DATABASE_URL, or
 * else DATABASE_URL, names another server; its user must be allowed to create databases.
 */
export const adminDatabaseUrl =
  process.env.TEST_DATABASE_URL ||
  process.env.DATABASE_URL ||
  'postgresql://postgres@127.0.0.1:5432/postgres';

/** Redis on this machine unless TEST_REDIS_URL, or else REDIS_URL, says otherwise. */
export const testRedisUrl = process.env.TEST_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** a plain pg client for arranging and asserting with SQL, as operators and other services do */
  readonly sql: Client;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** the server's maintenance database (default adminDatabaseUrl), e.g. a PrivatePostgres's adminUrl */
  readonly adminUrl?: string;
}

/**
 * A fresh database named `whats_workers_test_<name>` with every migration applied, so each test
 * file runs in its own database and files can run in parallel.
 */
export async function createTestDatabase(
  name: string,
  { adminUrl = adminDatabaseUrl }: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const database = `whats_workers_test_${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE "${database}"`);
  const url = databaseUrl(database, adminUrl);
  await run(process.execPath, ['scripts/prisma-wasm.mjs', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
  });
  const sql = new Client({ connectionString: url });
  await sql.connect();
  return {
    name: database,
    url,
    sql,
    async drop() {
      await sql.end();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    },
  };
}

export function databaseUrl(database: string, adminUrl = adminDatabaseUrl): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs statements on the server's maintenance database (CREATE/DROP DATABASE), one connection for all. */
export async function adminStatements(...statements: string[]): Promise<void> {
  await adminQuery(adminDatabaseUrl, ...statements);
}

async function adminQuery(adminUrl: string, ...statements: string[]): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** Empties the queue's tables between tests: messages, send-started marks, run history and leads. */
export async function emptyQueueTables(sql: Client): Promise<void> {
  await sql.query(
    'TRUNCATE fila_mensagens, fila_envios_iniciados, job_executions, jobs_agendados, leads CASCADE',
  );
}
