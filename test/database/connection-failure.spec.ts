import { Logger } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { pgPoolConfig } from '../../src/database/pg-pool-config';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import { within } from '../utils/within';

/**
 * node-pg's pool listens for a connection's `error` only while the connection is idle in it. One handed
 * out with no statement running, or one the pool is closing because its statement came back after
 * shutdown began, had no listener: the server ending it (DROP DATABASE … WITH (FORCE), a restart,
 * pg_terminate_backend) threw from the socket and crashed the process (seen in CI as "Unhandled error …
 * terminating connection due to administrator command").
 */
describe('a pooled database connection ended by the server while handed out (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('connection_failure');
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await pool?.end().catch(() => undefined);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const terminate = async (client: PoolClient): Promise<void> => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise((resolve) => client.once('end', resolve));
    await db.sql.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await within(ended, 5_000, 'the terminated connection to close');
  };

  it('is noted at debug, and the pool goes on with a new connection', async () => {
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    pool = new Pool(pgPoolConfig(db.url));
    const client = await pool.connect();

    await terminate(client);
    client.release(true);

    expect(debug).toHaveBeenCalledWith(
      expect.stringMatching(
        /^database connection ended: terminating connection due to administrator command/,
      ),
    );
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0].one).toBe(1);
  });

  it('while the pool is closing (shutdown began with the connection out), the pool still closes', async () => {
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    pool = new Pool(pgPoolConfig(db.url));
    const client = await pool.connect();
    const closed = pool.end();

    await terminate(client);
    client.release(true);

    await within(closed, 5_000, 'the pool to close');
    expect(pool.ended).toBe(true);
  });
});
