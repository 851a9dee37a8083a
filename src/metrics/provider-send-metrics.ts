import { Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import type { SendResult } from '../whatsapp/whatsapp-provider';
import { SendObserver } from '../workers/fila/send-observer';
import { SEND_DURATION_BUCKETS } from './metrics.constants';
import { MetricsRegistry } from './metrics-registry';

/** provider_send_seconds, fed by FilaSenderService through the SendObserver hook. */
@Injectable()
export class ProviderSendMetrics implements SendObserver {
  private readonly duration: Histogram<'provider' | 'result'>;

  constructor(registry: MetricsRegistry) {
    this.duration = new Histogram({
      name: 'provider_send_seconds',
      help: 'How long each WhatsApp provider call of the queue worker took, by provider and result (sent, temporary_failure, permanent_failure).',
      labelNames: ['provider', 'result'],
      buckets: SEND_DURATION_BUCKETS,
      registers: [registry],
    });
  }

  sendFinished(seconds: number, provider: string, result: SendResult['kind']): void {
    this.duration.observe({ provider, result }, seconds);
  }
}
