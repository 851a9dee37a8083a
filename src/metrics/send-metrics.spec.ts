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
});
