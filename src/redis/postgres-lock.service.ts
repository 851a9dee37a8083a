import { Logger, OnModuleInit } from '@nestjs/common';
import type { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import { LockUnavailableError } from './lock-unavailable.error';
import { LockHandle, LockService } from './lock.service';
import { lockTtlMs } from './lock-ttl';

// as Redis's command timeout: JobLease counts on a lock store answering (or failing) within this
const LOCK_STATEMENT_TIMEOUT_MS = 5_000;

/**
 * Locks in PostgreSQL (`job_locks`), for DATABASE_URL without REDIS_URL: every process on the database
 * (replicas, `npm run job`) shares them. The same lease as the Redis locks, timed by the database's clock;
 * fencing tokens never go below the clock in ms, like theirs. Built by RedisModule.
 */
export class PostgresLockService extends LockService implements OnModuleInit {
  private readonly logger = new Logger('LockService');

  constructor(private readonly prisma: PrismaService) {
    super();
  }

  onModuleInit(): void {
    this.logger.warn(
      'REDIS_URL is not set: job locks are in PostgreSQL, but rate limits are in-process: run only one replica',
    );
  }

  /** A retry with the `attempt` that holds the lease gets it back (its token unchanged, its lease renewed). */
  async acquire(resource: string, ttlMs: number, attempt?: string): Promise<LockHandle | null> {
    const ttl = lockTtlMs(ttlMs);
    const rows = await this.locked(
      'acquire',
      resource,
      (tx) =>
        tx.$queryRaw<Array<{ token: bigint }>>`
        INSERT INTO job_locks AS l (resource, fencing_token, expires_at, attempt)
        VALUES (${resource}, (extract(epoch FROM now()) * 1000)::bigint, now() + ${ttl}::bigint * interval '1 millisecond', ${attempt ?? null})
        ON CONFLICT (resource) DO UPDATE
          SET fencing_token = CASE WHEN l.expires_at <= now()
                THEN GREATEST(l.fencing_token + 1, (extract(epoch FROM now()) * 1000)::bigint)
                ELSE l.fencing_token END,
              expires_at = EXCLUDED.expires_at,
              attempt = EXCLUDED.attempt
          WHERE l.expires_at <= now() OR l.attempt = EXCLUDED.attempt
        RETURNING l.fencing_token AS token`,
    );
    return rows.length === 0 ? null : { resource, fencingToken: Number(rows[0].token) };
  }

  async release(lock: LockHandle): Promise<boolean> {
    const released = await this.locked(
      'release',
      lock.resource,
      (tx) =>
        tx.$executeRaw`
        UPDATE job_locks SET expires_at = '-infinity'
         WHERE resource = ${lock.resource} AND fencing_token = ${lock.fencingToken}::bigint AND expires_at > now()`,
    );
    return released === 1;
  }

  async extend(lock: LockHandle, ttlMs: number): Promise<boolean> {
    const ttl = lockTtlMs(ttlMs);
    const extended = await this.locked(
      'extend',
      lock.resource,
      (tx) =>
        tx.$executeRaw`
        UPDATE job_locks SET expires_at = now() + ${ttl}::bigint * interval '1 millisecond'
         WHERE resource = ${lock.resource} AND fencing_token = ${lock.fencingToken}::bigint AND expires_at > now()`,
    );
    return extended === 1;
  }

  async currentHolder(resource: string): Promise<number | null> {
    const rows = await this.locked(
      'read',
      resource,
      (tx) =>
        tx.$queryRaw<Array<{ token: bigint }>>`
        SELECT fencing_token AS token FROM job_locks WHERE resource = ${resource} AND expires_at > now()`,
    );
    return rows.length === 0 ? null : Number(rows[0].token);
  }

  /**
   * The database not answering is the lock store not answering: nobody knows who holds the lock. A statement
   * waiting on a lease row another session holds (a psql left in a transaction, a migration) is cancelled
   * by the server as Redis's commands time out, instead of holding a pooled connection until
   * statement_timeout (JOB_TIMEOUT + 2 s) while every later tick of the job queues up behind it.
   */
  private async locked<T>(
    operation: string,
    resource: string,
    query: (tx: Prisma.TransactionClient) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(LOCK_STATEMENT_TIMEOUT_MS)}, true)`;
          return query(tx);
        },
        // the server's cancellation comes first; this only bounds a transaction that never gets a connection
        { maxWait: LOCK_STATEMENT_TIMEOUT_MS, timeout: LOCK_STATEMENT_TIMEOUT_MS + 2_000 },
      );
    } catch (error) {
      throw new LockUnavailableError(operation, resource, error);
    }
  }
}
