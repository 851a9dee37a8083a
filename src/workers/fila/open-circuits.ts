import type { CircuitBreakerRegistry } from '../../whatsapp/circuit-breaker.registry';
import type { RateDecision } from './outbound-rate-limiter';

/**
 * The sending numbers whose circuit is open at one moment. They have no capacity until it half-opens, so
 * the rate limiter gives their messages to a number that can send instead of one that would only defer
 * them. A half-open circuit is not among them: its probe must be able to go.
 */
export class OpenCircuits {
  private constructor(
    readonly numbers: ReadonlySet<string>,
    /** when the first of them half-opens; null when none is open */
    private readonly firstHalfOpen: Date | null,
  ) {}

  static of(breakers: CircuitBreakerRegistry, provider: string, now: Date): OpenCircuits {
    // the snapshot, not breakerFor: asking must not create a breaker (and a metric) for every number
    const open = breakers
      .snapshot(now)
      .filter((circuit) => circuit.provider === provider && circuit.state === 'open');
    const ends = open.flatMap((circuit) => (circuit.openUntil === null ? [] : [circuit.openUntil.getTime()]));
    return new OpenCircuits(
      new Set(open.map((circuit) => circuit.sendingNumber)),
      ends.length ? new Date(Math.min(...ends)) : null,
    );
  }

  /** when none of these numbers can send now, when the first of them may again; otherwise null */
  allOpenUntil(sendingNumbers: readonly string[]): Date | null {
    return sendingNumbers.every((number) => this.numbers.has(number)) ? this.firstHalfOpen : null;
  }

  /**
   * When a message the limiter deferred may go: over the hourly cap of the numbers left, it may go through
   * an open one as soon as that half-opens, if sooner.
   */
  retryAt(decision: Extract<RateDecision, { allowed: false }>): Date {
    const halfOpen = this.firstHalfOpen;
    if (decision.reason !== 'hourly_cap' || halfOpen === null || halfOpen >= decision.retryAt)
      return decision.retryAt;
    return halfOpen;
  }
}
