import { FakeClock } from '../../test/utils/fake-clock';
import { CircuitBreaker, CircuitChange } from './circuit-breaker';

const MINUTE = 60_000;

describe('CircuitBreaker', () => {
  let clock: FakeClock;
  let changes: CircuitChange[];
  let breaker: CircuitBreaker;

  beforeEach(() => {
    clock = new FakeClock('2026-03-02T12:00:00Z');
    changes = [];
    breaker = new CircuitBreaker({}, (change) => changes.push(change));
  });

  const fail = (times: number) => {
    for (let i = 0; i < times; i++) breaker.recordFailure(clock.now());
  };

  /** from half-open: take the probe and fail it */
  const failProbe = () => {
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    breaker.recordFailure(clock.now());
  };

  it('stays closed through 4 consecutive temporary failures and opens on the 5th for 5 min', () => {
    fail(4);
    expect(breaker.state(clock.now())).toBe('closed');
    expect(breaker.tryAcquire(clock.now())).toBe(true);

    fail(1);
    expect(breaker.state(clock.now())).toBe('open');
    expect(breaker.tryAcquire(clock.now())).toBe(false);
    expect(breaker.openUntil).toEqual(new Date('2026-03-02T12:05:00Z'));
    expect(changes).toEqual([
      { state: 'open', openUntil: new Date('2026-03-02T12:05:00Z'), openMs: 5 * MINUTE },
    ]);
  });

  it('counts only consecutive failures: a success in between starts the count again', () => {
    fail(4);
    breaker.recordSuccess();
    fail(4);
    expect(breaker.state(clock.now())).toBe('closed');
    fail(1);
    expect(breaker.state(clock.now())).toBe('open');
  });

  it('does not count permanent failures: the provider answered', () => {
    const now = clock.now();
    for (let i = 0; i < 4; i++) breaker.recordResult({ kind: 'temporary_failure', reason: 'HTTP 500' }, now);
    breaker.recordResult({ kind: 'permanent_failure', reason: 'HTTP 400' }, now);
    for (let i = 0; i < 4; i++) breaker.recordResult({ kind: 'temporary_failure', reason: 'HTTP 503' }, now);
    expect(breaker.state(now)).toBe('closed');
    breaker.recordResult({ kind: 'temporary_failure', reason: 'HTTP 429' }, now);
    expect(breaker.state(now)).toBe('open');
  });

  it('does not count sends we aborted ourselves', () => {
    for (let i = 0; i < 10; i++)
      breaker.recordResult({ kind: 'temporary_failure', reason: 'aborted', aborted: true }, clock.now());
    expect(breaker.state(clock.now())).toBe('closed');
  });

  it('neither counts nor closes on a send withdrawn before it left, and gives its probe back', () => {
    fail(4);
    breaker.recordResult({ kind: 'withdrawn' }, clock.now());
    fail(1);
    expect(breaker.state(clock.now())).toBe('open');
    clock.advance(5 * MINUTE);
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    breaker.recordResult({ kind: 'withdrawn' }, clock.now());
    expect(breaker.state(clock.now())).toBe('half_open');
    expect(breaker.tryAcquire(clock.now())).toBe(true);
  });

  it('half-opens when the open period ends and lets exactly one probe through', () => {
    fail(5);
    clock.advance(5 * MINUTE - 1);
    expect(breaker.state(clock.now())).toBe('open');
    expect(breaker.tryAcquire(clock.now())).toBe(false);

    clock.advance(1);
    expect(breaker.state(clock.now())).toBe('half_open');
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    expect(breaker.tryAcquire(clock.now())).toBe(false);
    clock.advance(30_000);
    expect(breaker.tryAcquire(clock.now())).toBe(false);
  });

  it('closes when the probe succeeds, and the next opening is 5 min again', () => {
    fail(5);
    clock.advance(5 * MINUTE);
    failProbe(); // now open for 10 min
    clock.advance(10 * MINUTE);
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    breaker.recordSuccess();

    expect(breaker.state(clock.now())).toBe('closed');
    expect(breaker.openUntil).toBeNull();
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    expect(changes.at(-1)).toEqual({ state: 'closed' });

    fail(5);
    expect(breaker.openUntil).toEqual(new Date(clock.now().getTime() + 5 * MINUTE));
  });

  it('re-opens on a failed probe for twice as long, up to 30 min', () => {
    fail(5);
    const openDurations: number[] = [5];
    for (let i = 0; i < 5; i++) {
      clock.set(breaker.openUntil!);
      failProbe();
      expect(breaker.state(clock.now())).toBe('open');
      openDurations.push((breaker.openUntil!.getTime() - clock.now().getTime()) / MINUTE);
    }
    expect(openDurations).toEqual([5, 10, 20, 30, 30, 30]);
  });

  it('opens at once until the Retry-After of a throttled send, at most 30 min, without changing the doubling', () => {
    const throttled = (retryAfterMs: number) =>
      breaker.recordResult({ kind: 'temporary_failure', reason: 'HTTP 429', retryAfterMs }, clock.now());
    throttled(10 * MINUTE);
    expect(breaker.state(clock.now())).toBe('open');
    expect(breaker.openUntil).toEqual(new Date('2026-03-02T12:10:00Z'));
    // a send that left before the opening and is refused with a shorter wait does not shorten it
    throttled(MINUTE);
    expect(breaker.openUntil).toEqual(new Date('2026-03-02T12:10:00Z'));

    clock.advance(10 * MINUTE);
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    throttled(24 * 60 * MINUTE);
    expect(breaker.openUntil).toEqual(new Date('2026-03-02T12:40:00Z'));

    clock.advance(30 * MINUTE);
    failProbe(); // an ordinary failed probe: twice the 5 min, as if no Retry-After had come
    expect(breaker.openUntil).toEqual(new Date('2026-03-02T12:50:00Z'));
    expect(changes.map((change) => (change.state === 'open' ? change.openMs / MINUTE : 0))).toEqual([
      10, 30, 10,
    ]);
  });

  it('counts a throttled send without Retry-After as an ordinary failure', () => {
    breaker.recordResult({ kind: 'temporary_failure', reason: 'HTTP 429', retryAfterMs: 0 }, clock.now());
    breaker.recordResult({ kind: 'temporary_failure', reason: 'HTTP 429' }, clock.now());
    expect(breaker.state(clock.now())).toBe('closed');
    fail(3);
    expect(breaker.state(clock.now())).toBe('open');
  });

  it('keeps a Retry-After hold through a late success of a send that left before it (another wave or lane of the number)', () => {
    breaker.recordResult(
      { kind: 'temporary_failure', reason: 'HTTP 429', retryAfterMs: 10 * MINUTE },
      clock.now(),
    );
    clock.advance(1_000);
    breaker.recordResult({ kind: 'sent', providerMessageId: 'late' }, clock.now());
    expect(breaker.state(clock.now())).toBe('open');
    expect(breaker.openUntil).toEqual(new Date('2026-03-02T12:10:00Z'));

    // the probe at the end of the hold closes it as usual
    clock.advance(10 * MINUTE);
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    breaker.recordResult({ kind: 'sent', providerMessageId: 'probe' }, clock.now());
    expect(breaker.state(clock.now())).toBe('closed');
  });

  it('ignores a late failure of a send that started before the circuit opened', () => {
    fail(5);
    const openUntil = breaker.openUntil;
    clock.advance(MINUTE);
    breaker.recordFailure(clock.now());
    expect(breaker.openUntil).toEqual(openUntil);
  });

  it('ignores the late failure of a send that started before a short Retry-After hold, even once the hold is over', () => {
    // an overloaded gateway: one send is refused with Retry-After: 5 while another, already sent, hangs
    const slowSendStarted = clock.now();
    breaker.recordResult({ kind: 'temporary_failure', reason: 'HTTP 429', retryAfterMs: 5_000 }, clock.now());
    clock.advance(10_000);
    breaker.recordResult(
      { kind: 'temporary_failure', reason: 'timeout after 10000 ms' },
      clock.now(),
      slowSendStarted,
    );
    // not taken for a failed probe (which would open it for twice CIRCUIT_OPEN_SECONDS): the probe can go
    expect(breaker.state(clock.now())).toBe('half_open');
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    // the probe's own failure is one, as usual
    breaker.recordResult({ kind: 'temporary_failure', reason: 'HTTP 500' }, clock.now(), clock.now());
    expect(breaker.openUntil).toEqual(new Date(clock.now().getTime() + 10 * MINUTE));
  });

  it('gives the probe back when the acquired send did not happen', () => {
    fail(5);
    clock.advance(5 * MINUTE);
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    breaker.release();
    expect(breaker.tryAcquire(clock.now())).toBe(true);
  });

  it('allows another probe when the first never reports back within the lease', () => {
    fail(5);
    clock.advance(5 * MINUTE);
    expect(breaker.tryAcquire(clock.now())).toBe(true);
    clock.advance(2 * MINUTE - 1);
    expect(breaker.tryAcquire(clock.now())).toBe(false);
    clock.advance(1);
    expect(breaker.tryAcquire(clock.now())).toBe(true);
  });
});
