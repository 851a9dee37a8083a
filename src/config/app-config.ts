import type { Env } from './env.schema';

// Declaration merging gives AppConfig every validated variable as a typed, read-only property.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface AppConfig extends Readonly<Env> {}

/** The validated configuration (CONTRACT §3); the only way the rest of the service sees the environment. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AppConfig {
  constructor(env: Env) {
    Object.assign(this, env);
    Object.freeze(this);
  }

  get jobTimeoutMs(): number {
    return this.JOB_TIMEOUT * 1000;
  }

  get shutdownGraceMs(): number {
    return this.SHUTDOWN_GRACE_PERIOD * 1000;
  }

  /** the wait before each retry of a temporary send failure (SPEC: 2, 4, 8 min), jitter not included */
  get retryBackoffMs(): readonly number[] {
    return this.RETRY_BACKOFF_SECONDS.map((seconds) => seconds * 1000);
  }

  get circuitOpenMs(): number {
    return this.CIRCUIT_OPEN_SECONDS * 1000;
  }

  get circuitMaxOpenMs(): number {
    return this.CIRCUIT_MAX_OPEN_SECONDS * 1000;
  }

  get providerTimeoutMs(): number {
    return this.PROVIDER_TIMEOUT_SECONDS * 1000;
  }

  /**
   * the least time between two proactive messages from one sending number: RATE_LIMIT_NUMBER_INTERVAL,
   * or when unset the hour's allowance spread evenly (3600 / RATE_LIMIT_PER_HOUR s), so that a number
   * never sends its whole hour in one burst
   */
  get numberIntervalMs(): number {
    if (this.RATE_LIMIT_NUMBER_INTERVAL !== undefined) return this.RATE_LIMIT_NUMBER_INTERVAL * 1000;
    return Math.floor(3_600_000 / this.RATE_LIMIT_PER_HOUR);
  }

  get isProduction(): boolean {
    return this.APP_ENV === 'production';
  }

  get usesEmbeddedDatabase(): boolean {
    return this.DATABASE_URL === undefined;
  }
}
