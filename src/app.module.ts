import { DynamicModule, Module } from '@nestjs/common';
import { CommonModule } from './common/common.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { ShiftConfirmationModule } from './jobs/shift-confirmation/shift-confirmation.module';
import { LoggingModule } from './logging/logging.module';
import { RedisModule } from './redis/redis.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { TemperatureDecayModule } from './workers/temperature-decay/temperature-decay.module';

/** Every worker and job module; the scheduler discovers their @Cron/@Interval methods. */
export const workerModules = [TemperatureDecayModule, ShiftConfirmationModule];

@Module({})
export class AppModule {
  /** The whole service (main.ts) or, with `http: false`, the standalone context of `npm run job`. */
  static forRoot(config: AppConfig, options: { http?: boolean } = {}): DynamicModule {
    const http = options.http ?? true;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        CommonModule,
        DatabaseModule,
        RedisModule,
        SchedulerModule,
        ...workerModules,
        ...(http ? [HealthModule] : []),
      ],
    };
  }
}
