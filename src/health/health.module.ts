import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { DatabaseHealthIndicator } from './database.indicator';
import { HealthController } from './health.controller';
import { HealthRepository } from './health.repository';
import { QueueWorkerHealthIndicator } from './queue-worker.indicator';
import { RedisHealthIndicator } from './redis.indicator';
import { SchedulerHealthIndicator } from './scheduler.indicator';
import { WorkersHealthService } from './workers-health.service';

/**
 * GET /health (liveness) and GET /health/workers (CONTRACT §7). PrismaService, RedisService, Clock and
 * AppConfig come from their global modules; the queue worker plugs in through QueueWorkerHealth.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), SchedulerModule],
  controllers: [HealthController],
  providers: [
    HealthRepository,
    DatabaseHealthIndicator,
    RedisHealthIndicator,
    SchedulerHealthIndicator,
    QueueWorkerHealthIndicator,
    WorkersHealthService,
  ],
})
export class HealthModule {}
