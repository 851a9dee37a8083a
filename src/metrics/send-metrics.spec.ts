import { FakeClock } from '../../test/utils/fake-clock';
import { CircuitBreakerRegistry } from '../whatsapp/circuit-breaker.registry';
import { FilaMetrics } from '../workers/fila/fila-metrics';
import { MetricsRegistry } from './metrics-registry';
import { SendMetrics } from './send-metrics';

describe('SendMetrics', () => {
  it('masks a sending number named after its phone, as the logs do', async () => {
    const registry = new MetricsRegistry();
    const fila = new FilaMetrics();
    const breakers = new CircuitBreakerRegistry();
    new SendMetrics(registry, fila, breakers, new FakeClock('2026-03-11T11:00:00Z'));
    fila.recordOutcomes('evolution', [
      { kind: 'sent', id: 'a', sendingNumber: '5511987654321', providerMessageId: 'p' },
      { kind: 'sent', id: 'b', sendingNumber: 'numero2', providerMessageId: 'q' },
    ]);
    breakers.breakerFor('evolution', '5511987654321');

    const text = await registry.metrics();

    expect(text).not.toContain('5511987654321');
    expect(text).toContain(
      'messages_sent_total{provider="evolution",number="*********4321",outcome="sent"} 1',
    );
    expect(text).toContain('messages_sent_total{provider="evolution",number="numero2",outcome="sent"} 1');
    expect(text).toContain('circuit_state{provider="evolution",number="*********4321"} 0');
  });

  it('shows an open circuit even when another number masks to the same label', async () => {
    const registry = new MetricsRegistry();
    const breakers = new CircuitBreakerRegistry();
    const now = new Date('2026-03-11T11:00:00Z');
    new SendMetrics(registry, new FilaMetrics(), breakers, new FakeClock(now.toISOString()));
    const failing = breakers.breakerFor('evolution', '5511987654321');
    for (let i = 0; i < 5; i++) failing.recordResult({ kind: 'temporary_failure', reason: 'HTTP 503' }, now);
    // registered after the failing one, closed: it must not hide the open circuit behind their common label
    breakers.breakerFor('evolution', '5521987654321');

    const text = await registry.metrics();

    expect(text).toContain('circuit_state{provider="evolution",number="*********4321"} 2');
    expect(text).not.toContain('circuit_state{provider="evolution",number="*********4321"} 0');
  });
});
