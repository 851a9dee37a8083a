import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { projectRoot, runCommand } from '../utils/run-command';
import { adminStatements, databaseUrl } from '../utils/test-database';

const DATABASE = 'whats_workers_test_db_migrate';
const MIGRATIONS = readdirSync(join(projectRoot, 'prisma/migrations')).filter((name) => /^\d+_/.test(name));

const admin = adminStatements;

// `npm run db:migrate` (CONTRACT §1) connects with everything DATABASE_URL says, as the service does:
// Railway and managed PostgreSQL put sslmode, a socket ?host= or options in the URL's query.
describe('npm run db:migrate', () => {
  beforeAll(() => admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`, `CREATE DATABASE ${DATABASE}`));
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));

  it('honours the query parameters of DATABASE_URL', async () => {
    // the host in the authority does not resolve: only ?host= (node-pg, libpq) can lead to the server
    const url = new URL(databaseUrl(DATABASE));
    const realHost = url.hostname;
    url.hostname = 'db.invalid';
    url.searchParams.set('host', realHost);
    url.searchParams.set('application_name', 'whats_workers_migrate');

    const result = await runCommand('npm', ['run', '--silent', 'db:migrate'], {
      DATABASE_URL: url.toString(),
    });

    expect(result.stderr).not.toMatch(/db\.invalid|ENOTFOUND/);
    expect(result.code).toBe(0);
    const client = new Client({ connectionString: databaseUrl(DATABASE) });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string }>(
        `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`,
      );
      expect(rows.map((row) => row.migration_name)).toEqual(MIGRATIONS.sort());
    } finally {
      await client.end();
    }
  });
});
