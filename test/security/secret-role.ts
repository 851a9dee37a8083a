import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { adminDatabaseUrl, type TestDatabase } from '../utils/test-database';

export interface SecretRole {
  /** DATABASE_URL of the test database, logging in as the role with its password */
  readonly url: string;
  readonly password: string;
  drop(): Promise<void>;
}

/**
 * A PostgreSQL login role with a random password, granted what the service needs on one test database,
 * so a process can be given a DATABASE_URL that carries a real secret. Drop the database before the role.
 */
export async function createSecretRole(db: TestDatabase): Promise<SecretRole> {
  const name = `ww_security_${randomBytes(4).toString('hex')}`;
  const password = `pgPw${randomBytes(12).toString('hex')}`;
  await adminQuery(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
  await adminQuery(`GRANT ALL ON DATABASE "${db.name}" TO ${name}`);
  for (const statement of [
    `GRANT USAGE, CREATE ON SCHEMA public TO ${name}`,
    `GRANT ALL ON ALL TABLES IN SCHEMA public TO ${name}`,
    `GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${name}`,
    `GRANT ALL ON ALL FUNCTIONS IN SCHEMA public TO ${name}`,
  ])
    await db.sql.query(statement);
  const url = new URL(db.url);
  url.username = name;
  url.password = password;
  return {
    url: url.toString(),
    password,
    drop: () => adminQuery(`DROP ROLE IF EXISTS ${name}`),
  };
}

async function adminQuery(statement: string): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
