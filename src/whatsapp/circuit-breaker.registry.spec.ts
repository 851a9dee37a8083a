import { ConsoleLogger, Logger } from '@nestjs/common';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';

describe('CircuitBreakerRegistry', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  const now = new Date('2026-03-02T12:00:00Z');

  it('keeps one breaker per provider and sending number: one banned instance does not stop the others', () => {
    const registry = new CircuitBreakerRegistry();
    const banned = registry.breakerFor('evolution', 'instancia-a');
    for (let i = 0; i < 5; i++) banned.recordFailure(now);

    expect(registry.breakerFor('evolution', 'instancia-a')).toBe(banned);
    expect(registry.breakerFor('evolution', 'instancia-a').tryAcquire(now)).toBe(false);
    expect(registry.breakerFor('evolution', 'instancia-b').tryAcquire(now)).toBe(true);
    expect(registry.breakerFor('meta', 'instancia-a').tryAcquire(now)).toBe(true);
    expect(registry.snapshot(now)).toEqual([
      {
        provider: 'evolution',
        sendingNumber: 'instancia-a',
        state: 'open',
        openUntil: new Date('2026-03-02T12:05:00Z'),
      },
      { provider: 'evolution', sendingNumber: 'instancia-b', state: 'closed', openUntil: null },
      { provider: 'meta', sendingNumber: 'instancia-a', state: 'closed', openUntil: null },
    ]);
  });
});
