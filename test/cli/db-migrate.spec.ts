import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { projectRoot, runCommand } from '../utils/run-command';
import { adminStatements, databaseUrl } from '../utils/test-database';

const DATABASE = 'whats_workers_test_db_migrate';
const IMAGE_DATABASE = 'whats_workers_test_db_migrate_image';
const MIGRATIONS = readdirSync(join(projectRoot, 'prisma/migrations')).filter((name) => /^\d+_/.test(name));

const admin = adminStatements;

// `npm run db:migrate` (CONTRACT §1) connects with everything DATABASE_URL says, as the service does:
// Railway and managed PostgreSQL put sslmode, a socket ?host= or options in the URL's query.
describe('npm run db:migrate', () => {
  beforeAll(() =>
    admin(
      ...[DATABASE, IMAGE_DATABASE].flatMap((name) => [
        `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
        `CREATE DATABASE ${name}`,
      ]),
    ),
  );
  afterAll(() =>
    admin(...[DATABASE, IMAGE_DATABASE].map((name) => `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  );

  it('honours the query parameters of DATABASE_URL', async () => {
    // the host in the authority does not resolve: only ?host= (node-pg, libpq) can lead to the server
    const url = new URL(databaseUrl(DATABASE));
    const realHost = url.hostname;
    url.hostname = 'db.invalid';
    url.searchParams.set('host', realHost);
    url.searchParams.set('application_name', 'whats_workers_migrate');

    // and with the space a paste leaves in front, which the service ignores too
    const result = await runCommand('npm', ['run', '--silent', 'db:migrate'], {
      DATABASE_URL: ` ${url.toString()}\n`,
    });

    expect(result.stderr).not.toMatch(/db\.invalid|ENOTFOUND/);
    expect(result.code).toBe(0);
    expect(await appliedMigrations(DATABASE)).toEqual(MIGRATIONS.sort());
  });

  it('the Docker image applies them with RUN_MIGRATIONS written as the service reads it (True)', async () => {
    // the image's start command as the Dockerfile has it; PORT is bad so the service stops right after
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'));
    const [shell, ...args] = JSON.parse(cmd![1]) as string[];
    const result = await runCommand(shell, args, {
      RUN_MIGRATIONS: 'True',
      DATABASE_URL: databaseUrl(IMAGE_DATABASE),
      PORT: 'eighty',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Invalid configuration \(1 variable\): PORT /);
    expect(await appliedMigrations(IMAGE_DATABASE)).toEqual(MIGRATIONS.sort());
  });

  it('the Docker image with a DATABASE_URL of blanks migrates nothing, as the service reads it unset', async () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'));
    const [shell, ...args] = JSON.parse(cmd![1]) as string[];
    const result = await runCommand(shell, args, {
      RUN_MIGRATIONS: 'true',
      DATABASE_URL: '  ',
      PORT: 'eighty',
    });
    // the service itself was reached (it stops at the bad PORT), not stopped by a migration of no database
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Invalid configuration \(1 variable\): PORT /);
  });
});

async function appliedMigrations(database: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`,
    );
    return rows.map((row) => row.migration_name);
  } catch {
    return []; // no _prisma_migrations table: nothing was applied
  } finally {
    await client.end();
  }
}
