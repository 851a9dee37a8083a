import type { Redis } from 'ioredis';
import type { Client } from 'pg';
import type { Worker } from '../processes/worker-fleet';

/**
 * The worker whose process_queue run holds the job lock right now. A run keeps the lock until its
 * handler settles (even past JOB_TIMEOUT), so this is the one replica that can have sends in flight.
 * `redis` must use the fleet's REDIS_KEY_PREFIX.
 */
export async function queueLockHolder(
  redis: Redis,
  sql: Client,
  workers: readonly Worker[],
): Promise<Worker | undefined> {
  const token = await redis.get('lock:job:process_queue');
  if (token === null) return undefined;
  // the tick's row gets its fencing token just after the lock is taken: briefly, no row names it yet
  const { rows } = await sql.query<{ replica: string | null }>(
    `SELECT replica FROM job_executions WHERE job_name = 'process_queue' AND fencing_token = $1::bigint`,
    [token],
  );
  const pid = rows[0]?.replica?.split(':').pop();
  return workers.find((worker) => worker.process.isRunning() && String(worker.process.pid) === pid);
}
