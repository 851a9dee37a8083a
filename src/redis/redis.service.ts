import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';

export type CoordinationMode = 'redis' | 'in-process';

const ERROR_LOG_INTERVAL_MS = 10_000;
const MAX_RECONNECT_DELAY_MS = 5_000;
const STARTUP_WAIT_MS = 5_000;

/**
 * The shared ioredis client (keys get REDIS_KEY_PREFIX), or nothing when REDIS_URL is unset.
 * Commands fail at once while Redis is down instead of queueing: callers decide what to do.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  readonly client: Redis | null;
  readonly mode: CoordinationMode;
  private readonly logger = new Logger('Redis');
  private lastErrorLoggedAt = 0;
  private failing = false;

  constructor(config: AppConfig) {
    this.mode = config.REDIS_URL === undefined ? 'in-process' : 'redis';
    this.client =
      config.REDIS_URL === undefined ? null : this.connect(config.REDIS_URL, config.REDIS_KEY_PREFIX);
  }

  // Commands are not queued while disconnected, so give the first connection a moment before the
  // scheduler's first tick; a Redis that is down does not stop the boot (callers handle errors).
  async onModuleInit(): Promise<void> {
    if (this.client !== null && !(await this.waitUntilReady(STARTUP_WAIT_MS)))
      this.logger.warn(`Redis not ready after ${STARTUP_WAIT_MS} ms; locks and rate limits fail until it is`);
  }

  /** resolves true once connected (at once if already), false after timeoutMs or when not configured */
  waitUntilReady(timeoutMs: number): Promise<boolean> {
    const client = this.client;
    if (client === null) return Promise.resolve(false);
    if (client.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('end', onEnd);
        resolve(ready);
      };
      const onReady = () => done(true);
      const onEnd = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      client.once('ready', onReady);
      client.once('end', onEnd);
    });
  }

  isConfigured(): boolean {
    return this.client !== null;
  }

  isReady(): boolean {
    return this.client?.status === 'ready';
  }

  /** true when PING answers within timeoutMs; false when down or not configured; never throws */
  async ping(timeoutMs = 2000): Promise<boolean> {
    if (this.client === null) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const answered = this.client.ping().then(
      (reply) => reply === 'PONG',
      () => false,
    );
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  // Closed at application shutdown, after every onModuleDestroy (the scheduler drains running jobs there).
  async onApplicationShutdown(): Promise<void> {
    if (this.client === null || this.client.status === 'end') return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect(); // quit needs a live connection; while Redis is down just stop retrying
    }
  }

  private connect(url: string, keyPrefix: string): Redis {
    const client = new Redis(url, {
      keyPrefix,
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      commandTimeout: 5_000,
      connectTimeout: 5_000,
      // never give up: Redis coming back must heal the service without a restart
      retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
    });
    client.on('error', (error: Error) => this.onError(error));
    client.on('ready', () => {
      if (this.failing) this.logger.log('Redis connection restored');
      this.failing = false;
    });
    return client;
  }

  // ioredis emits an error on every reconnect attempt; one line per interval is enough to see it.
  private onError(error: Error): void {
    this.failing = true;
    const now = Date.now();
    if (now - this.lastErrorLoggedAt < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLoggedAt = now;
    this.logger.warn(`Redis unavailable: ${error.message}`);
  }
}
