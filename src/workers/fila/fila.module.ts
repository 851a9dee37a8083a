import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { QueueWorkerHealth } from '../../health/queue-worker-health';
import { RedisService } from '../../redis/redis.service';
import { SchedulerModule } from '../../scheduler/scheduler.module';
import { WhatsAppModule } from '../../whatsapp/whatsapp.module';
import { WhatsAppProvider } from '../../whatsapp/whatsapp-provider';
import { FilaHealth } from './fila-health';
import { FilaMetrics } from './fila-metrics';
import { FilaRepository } from './fila.repository';
import { FilaSenderService } from './fila-sender.service';
import { FilaService } from './fila.service';
import { FilaWorker } from './fila.worker';
import { OutboundRateLimiter } from './outbound-rate-limiter';
import { createOutboundRateLimiter } from './outbound-rate-limiter.factory';

@Module({
  imports: [WhatsAppModule, SchedulerModule],
  providers: [
    FilaWorker,
    FilaService,
    FilaSenderService,
    FilaRepository,
    FilaMetrics,
    FilaHealth,
    { provide: QueueWorkerHealth, useExisting: FilaHealth },
    {
      provide: OutboundRateLimiter,
      inject: [RedisService, AppConfig, WhatsAppProvider],
      useFactory: (redis: RedisService, config: AppConfig, provider: WhatsAppProvider) =>
        createOutboundRateLimiter(redis, config, provider.sendingNumbers()),
    },
  ],
  exports: [FilaRepository, FilaMetrics, FilaHealth],
})
export class FilaModule {}
