import { Global, Module } from '@nestjs/common';
import { JobRunObserver } from '../scheduler/job-run-observer';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { ClaimObserver } from '../workers/fila/claim-observer';
import { SendObserver } from '../workers/fila/send-observer';
import { FilaModule } from '../workers/fila/fila.module';
import { JobMetrics } from './job-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { ProviderSendMetrics } from './provider-send-metrics';
import { QueueClaimMetrics } from './queue-claim-metrics';
import { QueueMetrics } from './queue-metrics';
import { QueueStatsCache } from './queue-stats.cache';
import { SendMetrics } from './send-metrics';

/**
 * GET /metrics. Global so JobRunner (SchedulerModule), FilaService and FilaSenderService find the
 * JobRunObserver, ClaimObserver and SendObserver they optionally inject; without this module (npm run
 * job) nothing is observed.
 */
@Global()
@Module({
  imports: [FilaModule, WhatsAppModule, SchedulerModule],
  controllers: [MetricsController],
  providers: [
    { provide: MetricsRegistry, useFactory: () => MetricsRegistry.create() },
    JobMetrics,
    { provide: JobRunObserver, useExisting: JobMetrics },
    QueueStatsCache,
    QueueMetrics,
    QueueClaimMetrics,
    { provide: ClaimObserver, useExisting: QueueClaimMetrics },
    ProviderSendMetrics,
    { provide: SendObserver, useExisting: ProviderSendMetrics },
    SendMetrics,
  ],
  exports: [JobRunObserver, ClaimObserver, SendObserver, MetricsRegistry, QueueStatsCache],
})
export class MetricsModule {}
