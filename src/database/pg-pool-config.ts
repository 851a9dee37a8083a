import { Logger } from '@nestjs/common';
import type { ClientBase, PoolConfig } from 'pg';
import { outsideRun } from '../logging/job-log-context';
import { pgConnectionConfig } from './pg-connection-config';

const POOL_SIZE = 10;
// An unreachable server must fail a query in seconds, not hang a job until JOB_TIMEOUT.
const CONNECTION_TIMEOUT_MS = 5_000;

export interface PgPoolOptions {
  /** the server cancels any statement running longer (pg `statement_timeout`); unbounded when unset */
  readonly statementTimeoutMs?: number;
}

/** The pool behind the service's Prisma client, on DATABASE_URL. */
export function pgPoolConfig(connectionString: string, options: PgPoolOptions = {}): PoolConfig {
  const logger = new Logger('Database');
  return {
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'whats-workers',
    statement_timeout: options.statementTimeoutMs,
    onConnect: (client) => keepFailureFromCrashing(client, logger),
    // what DATABASE_URL says wins over the defaults above, as it did given as a connectionString
    ...pgConnectionConfig(connectionString),
  };
}

/**
 * pg emits a connection's failure as an `error` event, and the pool listens only while the connection is
 * idle in it. A connection the pool is closing (its statement came back after shutdown started) or one
 * handed out between statements has no listener, and the server ending it (a restart, DROP DATABASE …
 * FORCE, pg_terminate_backend) would throw from the socket and end the process. Whoever was using the
 * connection is told through their query, and idle ones through the pool's handler: this one only notes it.
 */
function keepFailureFromCrashing(client: ClientBase, logger: Logger): void {
  client.on('error', (error) =>
    outsideRun(() => logger.debug(`database connection ended: ${error.message}`)),
  );
}
