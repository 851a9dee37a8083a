import { Logger } from '@nestjs/common';
import { CircuitBreaker, CircuitBreakerOptions, CircuitState } from './circuit-breaker';

export interface CircuitSnapshot {
  readonly provider: string;
  readonly sendingNumber: string;
  readonly state: CircuitState;
  readonly openUntil: Date | null;
}

/**
 * One circuit breaker per provider and sending number, kept in this process (each replica learns on its
 * own; a few extra probes across replicas cost nothing). Per number rather than per provider: an Evolution
 * instance that is banned or disconnected must not stop the others. Built by a factory in WhatsAppModule
 * (its constructor takes options, not injectables).
 */
export class CircuitBreakerRegistry {
  private readonly logger = new Logger('whatsapp');
  private readonly breakers = new Map<
    string,
    { key: Omit<CircuitSnapshot, 'state' | 'openUntil'>; breaker: CircuitBreaker }
  >();

  constructor(private readonly options: Partial<CircuitBreakerOptions> = {}) {}

  breakerFor(provider: string, sendingNumber: string): CircuitBreaker {
    const id = `${provider}\u0000${sendingNumber}`;
    let entry = this.breakers.get(id);
    if (entry === undefined) {
      const breaker = new CircuitBreaker(this.options, (change) =>
        change.state === 'open'
          ? this.logger.warn({
              msg: 'whatsapp circuit opened',
              provider,
              sending_number: sendingNumber,
              open_until: change.openUntil.toISOString(),
              open_ms: change.openMs,
            })
          : this.logger.log({ msg: 'whatsapp circuit closed', provider, sending_number: sendingNumber }),
      );
      entry = { key: { provider, sendingNumber }, breaker };
      this.breakers.set(id, entry);
    }
    return entry.breaker;
  }

  /** every breaker used so far (for health and metrics) */
  snapshot(now: Date): CircuitSnapshot[] {
    return [...this.breakers.values()].map(({ key, breaker }) => ({
      ...key,
      state: breaker.state(now),
      openUntil: breaker.openUntil,
    }));
  }
}
