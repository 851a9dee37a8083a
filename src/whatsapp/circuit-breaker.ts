import {
  CIRCUIT_FAILURE_THRESHOLD,
  CIRCUIT_MAX_OPEN_MS,
  CIRCUIT_OPEN_MS,
  CIRCUIT_PROBE_LEASE_MS,
} from './circuit-breaker.constants';
import type { SendResult } from './whatsapp-provider';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly maxOpenMs: number;
  readonly probeLeaseMs: number;
}

export type CircuitChange =
  | { readonly state: 'open'; readonly openUntil: Date; readonly openMs: number }
  | { readonly state: 'closed' };

const DEFAULTS: CircuitBreakerOptions = {
  failureThreshold: CIRCUIT_FAILURE_THRESHOLD,
  openMs: CIRCUIT_OPEN_MS,
  maxOpenMs: CIRCUIT_MAX_OPEN_MS,
  probeLeaseMs: CIRCUIT_PROBE_LEASE_MS,
};

/**
 * SPEC fila_worker step 5, for one sending number of one provider, in this process: after
 * `failureThreshold` consecutive temporary failures the circuit opens for `openMs`; then it is half-open
 * and lets exactly one probe through. The probe's success closes it (and the next opening is `openMs`
 * again); its failure re-opens it for twice as long, at most `maxOpenMs`.
 *
 * "Success" means the provider answered: a permanent failure (4xx) is the request's fault, so it counts as
 * one. A 4xx that refuses the sending number itself (socket closed, token expired) arrives here as a
 * temporary failure and counts against the number. A refusal that says when to come back (a 429 or a Cloud
 * API throttling code with Retry-After) opens the circuit until then at once: see `holdFor`. Time comes
 * from the caller (`now`), so tests drive it with a FakeClock.
 */
export class CircuitBreaker {
  private readonly options: CircuitBreakerOptions;
  private consecutiveFailures = 0;
  private openUntilMs: number | null = null;
  private openMs: number;
  private probeStartedAtMs: number | null = null;
  /** when the current (or last) opening began: a send that started before it says nothing new */
  private openedAtMs: number | null = null;
  /** the current opening is the provider's Retry-After, not a failure streak */
  private held = false;

  constructor(
    options: Partial<CircuitBreakerOptions> = {},
    private readonly onChange: (change: CircuitChange) => void = () => {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.openMs = this.options.openMs;
  }

  /** when the current (or last) open period ends; null while closed */
  get openUntil(): Date | null {
    return this.openUntilMs === null ? null : new Date(this.openUntilMs);
  }

  state(now: Date): CircuitState {
    if (this.openUntilMs === null) return 'closed';
    return now.getTime() < this.openUntilMs ? 'open' : 'half_open';
  }

  /** whether a send may go now; in half-open, true once: the caller's send is the probe */
  tryAcquire(now: Date): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const probeRunning =
      this.probeStartedAtMs !== null && now.getTime() - this.probeStartedAtMs < this.options.probeLeaseMs;
    if (probeRunning) return false;
    this.probeStartedAtMs = now.getTime();
    return true;
  }

  /** gives back an acquisition whose send did not happen (so the half-open probe is not lost) */
  release(): void {
    this.probeStartedAtMs = null;
  }

  recordSuccess(): void {
    const wasClosed = this.openUntilMs === null;
    this.consecutiveFailures = 0;
    this.openUntilMs = null;
    this.openedAtMs = null;
    this.held = false;
    this.openMs = this.options.openMs;
    this.probeStartedAtMs = null;
    if (!wasClosed) this.onChange({ state: 'closed' });
  }

  recordFailure(now: Date): void {
    const state = this.state(now);
    // a send that started before the circuit opened and failed late: the circuit already knows
    if (state === 'open') return;
    if (state === 'half_open') {
      this.open(now, Math.min(this.openMs * 2, this.options.maxOpenMs));
      return;
    }
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.options.failureThreshold) this.open(now, this.options.openMs);
  }

  /**
   * The provider throttles this number until `now + waitMs`: any send before then would only be refused
   * again and spend its message's attempt, so the circuit opens until then (at most `maxOpenMs`; a longer
   * wait is checked by the probe at the end of it). The wait is the provider's, not a failure streak: the
   * doubling of later openings is left as it was. An opening that already lasts longer is kept.
   */
  holdFor(now: Date, waitMs: number): void {
    const until = now.getTime() + Math.min(waitMs, this.options.maxOpenMs);
    if (this.openUntilMs !== null && this.state(now) === 'open' && this.openUntilMs >= until) return;
    this.openUntilMs = until;
    this.openedAtMs = now.getTime();
    this.held = true;
    this.consecutiveFailures = 0;
    this.probeStartedAtMs = null;
    this.onChange({ state: 'open', openUntil: new Date(until), openMs: until - now.getTime() });
  }

  /**
   * The breaker's reading of a provider's answer; a send we cancelled ourselves says nothing, and neither
   * does the failure of a send that started (`sendStartedAt`) by the time the circuit last opened: once the
   * opening is over, it would be taken for the half-open probe's and re-open the circuit for twice as long
   * (a send left hanging before a short Retry-After hold, timing out after it).
   */
  recordResult(result: SendResult, now: Date, sendStartedAt?: Date): void {
    if (result.kind === 'withdrawn') this.release();
    else if (result.kind !== 'temporary_failure') {
      // a send that left before the provider asked us to wait says nothing against that wait
      if (!(this.held && this.state(now) === 'open')) this.recordSuccess();
    } else if (result.aborted) this.release();
    else if (result.retryAfterMs !== undefined && result.retryAfterMs > 0)
      this.holdFor(now, result.retryAfterMs);
    else if (!this.startedBeforeOpening(sendStartedAt)) this.recordFailure(now);
  }

  private startedBeforeOpening(sendStartedAt: Date | undefined): boolean {
    return (
      sendStartedAt !== undefined && this.openedAtMs !== null && sendStartedAt.getTime() <= this.openedAtMs
    );
  }

  private open(now: Date, openMs: number): void {
    this.openMs = openMs;
    this.openUntilMs = now.getTime() + openMs;
    this.openedAtMs = now.getTime();
    this.held = false;
    this.consecutiveFailures = 0;
    this.probeStartedAtMs = null;
    this.onChange({ state: 'open', openUntil: new Date(this.openUntilMs), openMs });
  }
}
