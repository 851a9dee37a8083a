import { Global, Module } from '@nestjs/common';
import { JobRunObserver } from '../scheduler/job-run-observer';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { ClaimObserver } from '../workers/fila/claim-observer';
import { FilaModule } from '../workers/fila/fila.module';
import { JobMetrics } from './job-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { QueueClaimMetrics } from './queue-claim-metrics';
import { QueueMetrics } from './queue-metrics';
import { QueueStatsCache } from './queue-stats.cache';
import { SendMetrics } from './send-metrics';

/**
 * GET /metrics. Global so JobRunner (SchedulerModule) and FilaService find the JobRunObserver and
 * ClaimObserver they optionally inject; without this module (npm run job) nothing is observed.
 */
@Global()
@Module({
  imports: [FilaModule, WhatsAppModule],
  controllers: [MetricsController],
  providers: [
    { provide: MetricsRegistry, useFactory: () => MetricsRegistry.create() },
    JobMetrics,
    { provide: JobRunObserver, useExisting: JobMetrics },
    QueueStatsCache,
    QueueMetrics,
    QueueClaimMetrics,
    { provide: ClaimObserver, useExisting: QueueClaimMetrics },
    SendMetrics,
  ],
  exports: [JobRunObserver, ClaimObserver, MetricsRegistry, QueueStatsCache],
})
export class MetricsModule {}
