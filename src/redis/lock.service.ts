export interface LockHandle {
  /** the resource name, without the `lock:` prefix */
  readonly resource: string;
  /** increases with every acquisition of the resource: writes guarded by it can reject stale holders */
  readonly fencingToken: number;
}

/**
 * Mutual exclusion across replicas (Redis `lock:*`) or, with no REDIS_URL, inside this process.
 * A lock expires after its TTL even if its holder dies; release only succeeds for the current holder.
 */
export abstract class LockService {
  /**
   * null when somebody else holds it. `attempt`, the same id on every retry of one acquisition, makes a
   * retry after a lost answer (the store took the lock, the reply never came) get that lock back.
   */
  abstract acquire(resource: string, ttlMs: number, attempt?: string): Promise<LockHandle | null>;
  /** false when the lock had expired or was taken over */
  abstract release(lock: LockHandle): Promise<boolean>;
  /** renews the TTL if `lock` is still the holder; false when it expired or was taken over */
  abstract extend(lock: LockHandle, ttlMs: number): Promise<boolean>;
  /** the fencing token of the current holder, or null when free */
  abstract currentHolder(resource: string): Promise<number | null>;
}
