import { Logger, OnModuleInit } from '@nestjs/common';
import { LockHandle, LockService } from './lock.service';
import { lockTtlMs } from './lock-ttl';

interface Held {
  readonly token: number;
  readonly expiresAt: number;
  readonly attempt?: string;
}

/** Locks inside this process only (no REDIS_URL): right for exactly one replica. Built by RedisModule. */
export class InProcessLockService extends LockService implements OnModuleInit {
  private readonly logger = new Logger('LockService');
  private readonly held = new Map<string, Held>();
  private readonly lastToken = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  onModuleInit(): void {
    this.logger.warn('REDIS_URL is not set: locks are in-process, run only one replica');
  }

  async acquire(resource: string, ttlMs: number, attempt?: string): Promise<LockHandle | null> {
    const ttl = lockTtlMs(ttlMs);
    const held = this.holder(resource);
    if (held !== undefined)
      return attempt !== undefined && held.attempt === attempt
        ? { resource, fencingToken: held.token }
        : null;
    // Like the Redis tokens, never below the clock: a restarted process still outranks older tokens.
    const token = Math.max((this.lastToken.get(resource) ?? 0) + 1, this.now());
    this.lastToken.set(resource, token);
    this.held.set(resource, { token, expiresAt: this.now() + ttl, attempt });
    return { resource, fencingToken: token };
  }

  async release(lock: LockHandle): Promise<boolean> {
    if (this.holder(lock.resource)?.token !== lock.fencingToken) return false;
    this.held.delete(lock.resource);
    return true;
  }

  async extend(lock: LockHandle, ttlMs: number): Promise<boolean> {
    const held = this.holder(lock.resource);
    if (held?.token !== lock.fencingToken) return false;
    this.held.set(lock.resource, { ...held, expiresAt: this.now() + lockTtlMs(ttlMs) });
    return true;
  }

  async currentHolder(resource: string): Promise<number | null> {
    return this.holder(resource)?.token ?? null;
  }

  private holder(resource: string): Held | undefined {
    const held = this.held.get(resource);
    if (held !== undefined && held.expiresAt <= this.now()) {
      this.held.delete(resource);
      return undefined;
    }
    return held;
  }
}
