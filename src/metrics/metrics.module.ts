import { Global, Module } from '@nestjs/common';
import { JobRunObserver } from '../scheduler/job-run-observer';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { FilaModule } from '../workers/fila/fila.module';
import { JobMetrics } from './job-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { QueueMetrics } from './queue-metrics';
import { QueueStatsCache } from './queue-stats.cache';
import { SendMetrics } from './send-metrics';

/**
 * GET /metrics. Global so JobRunner (SchedulerModule) finds the JobRunObserver it optionally injects;
 * without this module (npm run job) runs are simply not observed.
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
    SendMetrics,
  ],
  exports: [JobRunObserver, MetricsRegistry, QueueStatsCache],
})
export class MetricsModule {}
