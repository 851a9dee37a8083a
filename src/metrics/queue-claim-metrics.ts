import { Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { ClaimObserver } from '../workers/fila/claim-observer';
import { CLAIM_DURATION_BUCKETS } from './metrics.constants';
import { MetricsRegistry } from './metrics-registry';

/** queue_claim_seconds, fed by FilaService through the ClaimObserver hook. */
@Injectable()
export class QueueClaimMetrics implements ClaimObserver {
  private readonly duration: Histogram;

  constructor(registry: MetricsRegistry) {
    this.duration = new Histogram({
      name: 'queue_claim_seconds',
      help: 'How long the queue worker waited for each claim of a batch of due fila_mensagens rows.',
      buckets: CLAIM_DURATION_BUCKETS,
      registers: [registry],
    });
  }

  claimFinished(seconds: number): void {
    this.duration.observe(seconds);
  }
}
