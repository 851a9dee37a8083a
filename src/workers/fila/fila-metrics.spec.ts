import { FilaMetrics } from './fila-metrics';

describe('FilaMetrics', () => {
  it('counts outcomes by provider, the number a provider call went through (none before one was chosen) and kind', () => {
    const metrics = new FilaMetrics();
    const until = new Date('2026-03-02T13:05:00Z');
    metrics.recordOutcomes('evolution', [
      { kind: 'sent', id: '1', providerMessageId: 'p1', sendingNumber: 'numero1' },
      { kind: 'sent', id: '2', providerMessageId: 'p2', sendingNumber: 'numero1' },
      {
        kind: 'failed',
        id: '3',
        reason: 'permanent: HTTP 400',
        attemptCounted: true,
        sendingNumber: 'numero2',
      },
      {
        kind: 'deferred',
        id: '4',
        until,
        reason: 'temporary: HTTP 503',
        attemptCounted: true,
        sendingNumber: 'numero2',
      },
      { kind: 'deferred', id: '5', until, reason: 'hourly_cap', attemptCounted: false },
      { kind: 'blocked', id: '6', reason: 'opted_out' },
    ]);
    expect(metrics.sendCounts()).toEqual(
      expect.arrayContaining([
        { provider: 'evolution', number: 'numero1', outcome: 'sent', count: 2 },
        { provider: 'evolution', number: 'numero2', outcome: 'failed', count: 1 },
        { provider: 'evolution', number: 'numero2', outcome: 'deferred', count: 1 },
        { provider: 'evolution', number: 'none', outcome: 'deferred', count: 1 },
        { provider: 'evolution', number: 'none', outcome: 'blocked', count: 1 },
      ]),
    );
    expect(metrics.sendCounts()).toHaveLength(5);
  });
});
