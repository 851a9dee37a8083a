import { DynamicModule, Module } from '@nestjs/common';
import { destination } from 'pino';
import { AdminModule } from './admin/admin.module';
import { AlertsModule } from './alerts/alerts.module';
import { CommonModule } from './common/common.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { DailyReportModule } from './jobs/daily-report/daily-report.module';
import { ShiftConfirmationModule } from './jobs/shift-confirmation/shift-confirmation.module';
import { SyncBriefingModule } from './jobs/sync-briefing/sync-briefing.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { FilaModule } from './workers/fila/fila.module';
import { GruposModule } from './workers/grupos/grupos.module';
import { HandoffModule } from './workers/handoff/handoff.module';
import { PilotModeModule } from './workers/pilot-mode/pilot-mode.module';
import { RetomadaModule } from './workers/retomada/retomada.module';
import { TemperatureDecayModule } from './workers/temperature-decay/temperature-decay.module';

/** Every worker and job module; the scheduler discovers their @Cron/@Interval methods. */
export const workerModules = [
  FilaModule,
  GruposModule,
  HandoffModule,
  PilotModeModule,
  RetomadaModule,
  TemperatureDecayModule,
  SyncBriefingModule,
  DailyReportModule,
  ShiftConfirmationModule,
  AlertsModule,
];

@Module({})
export class AppModule {
  /**
   * The whole service (main.ts) or, with `http: false`, the standalone context of `npm run job`
   * (whose logs go to stderr so stdout carries only its JSON summary).
   */
  static forRoot(
    config: AppConfig,
    options: { http?: boolean; logTo?: 'stdout' | 'stderr' } = {},
  ): DynamicModule {
    const http = options.http ?? true;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config, {
          destination: options.logTo === 'stderr' ? destination({ fd: 2, sync: true }) : undefined,
        }),
        CommonModule,
        DatabaseModule,
        RedisModule,
        SchedulerModule,
        ...workerModules,
        ...(http ? [HealthModule, MetricsModule, AdminModule] : []),
      ],
    };
  }
}
