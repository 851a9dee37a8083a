import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Clock } from '../common/clock';
import { maskPhonesInText } from '../logging/phone-mask';
import { CircuitBreakerRegistry } from '../whatsapp/circuit-breaker.registry';
import { FilaMetrics } from '../workers/fila/fila-metrics';
import { CIRCUIT_STATE_VALUES } from './metrics.constants';
import { MetricsRegistry } from './metrics-registry';

/** An Evolution instance named after its phone number would export the number: masked, as in the logs. */
const numberLabel = (sendingNumber: string) => maskPhonesInText(sendingNumber);

/**
 * The queue worker's sends and the provider circuits. FilaMetrics and CircuitBreakerRegistry keep the
 * numbers; these metrics copy them at scrape time, so the worker knows nothing about Prometheus.
 */
@Injectable()
export class SendMetrics {
  constructor(registry: MetricsRegistry, fila: FilaMetrics, breakers: CircuitBreakerRegistry, clock: Clock) {
    const registers = [registry];
    new Counter({
      name: 'messages_sent_total',
      help: 'Queue messages by provider, sending number (none before one was chosen) and outcome (sent, blocked, failed, deferred, released).',
      labelNames: ['provider', 'number', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const { provider, number, outcome, count } of fila.sendCounts())
          this.inc({ provider, number: numberLabel(number), outcome }, count);
      },
    });
    new Counter({
      name: 'rate_limit_deferrals_total',
      help: 'Messages sent back to pendente by a rate limit, by limit (hourly_cap, daily_cap, number_interval, phone_interval).',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const { reason, count } of fila.deferralCounts()) this.inc({ reason }, count);
      },
    });
    new Gauge({
      name: 'circuit_state',
      help: 'Provider circuit breaker of each sending number in this replica: 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider', 'number'],
      registers,
      collect() {
        this.reset();
        // two numbers can mask alike (the same last 4 digits): their label shows the worse state, so an
        // open circuit is never hidden behind a closed one
        const worst = new Map<string, { provider: string; number: string; value: number }>();
        for (const circuit of breakers.snapshot(clock.now())) {
          const number = numberLabel(circuit.sendingNumber);
          const key = JSON.stringify([circuit.provider, number]);
          const value = CIRCUIT_STATE_VALUES[circuit.state];
          if ((worst.get(key)?.value ?? -1) < value)
            worst.set(key, { provider: circuit.provider, number, value });
        }
        for (const { provider, number, value } of worst.values()) this.set({ provider, number }, value);
      },
    });
  }
}
