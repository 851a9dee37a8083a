import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, runCommand } from '../utils/run-command';
import { freePort } from '../utils/service-process';
import { adminStatements, databaseUrl } from '../utils/test-database';

// The second most common start-up failure after an unreachable server: DATABASE_URL names a database that
// `npm run db:migrate` was never run on (a new environment), or one a deploy's new migration has not reached
// yet (the plain Dockerfile without RUN_MIGRATIONS). The operator must be told what to run, in one line.

const MIGRATIONS = readdirSync(join(projectRoot, 'prisma/migrations'))
  .filter((name) => /^\d+_/.test(name))
  .sort();
const EMPTY = 'whats_workers_test_not_migrated';
const BEHIND = 'whats_workers_test_one_migration_behind';

const admin = adminStatements;

const recreate = (name: string) => [
  `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
  `CREATE DATABASE ${name}`,
];

function expectMigrateAdvice(result: { code: number | null; stderr: string }, missing: string): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('npm run db:migrate');
  expect(result.stderr).toContain(missing);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('start-up on a database whose migrations were not applied', () => {
  let migrationsDir: string;

  beforeAll(async () => {
    await admin(...recreate(EMPTY), ...recreate(BEHIND));
    // every migration but the newest, as a database looks when new code starts before its migration ran
    migrationsDir = mkdtempSync(join(tmpdir(), 'whats-workers-older-migrations-'));
    cpSync(join(projectRoot, 'prisma/migrations'), migrationsDir, { recursive: true });
    rmSync(join(migrationsDir, MIGRATIONS[MIGRATIONS.length - 1]), { recursive: true });
    const deployed = await runCommand(process.execPath, ['scripts/prisma-wasm.mjs', 'deploy'], {
      DATABASE_URL: databaseUrl(BEHIND),
      PRISMA_MIGRATIONS: migrationsDir,
    });
    expect(deployed.code).toBe(0);
  });
  afterAll(async () => {
    rmSync(migrationsDir, { recursive: true, force: true });
    await admin(
      `DROP DATABASE IF EXISTS ${EMPTY} WITH (FORCE)`,
      `DROP DATABASE IF EXISTS ${BEHIND} WITH (FORCE)`,
    );
  });

  it('node dist/main exits 1 telling the operator to run npm run db:migrate, without a stack trace', async () => {
    const result = await runCommand(process.execPath, ['dist/main'], {
      DATABASE_URL: databaseUrl(EMPTY),
      PORT: String(await freePort()),
    });
    expectMigrateAdvice(result, MIGRATIONS[0]);
  });

  it('npm run job exits 1 naming the migration the database is missing', async () => {
    const result = await runCommand('npm', ['run', '--silent', 'job', '--', 'shift_confirmation'], {
      DATABASE_URL: databaseUrl(BEHIND),
    });
    expectMigrateAdvice(result, MIGRATIONS[MIGRATIONS.length - 1]);
  });
});
