import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { FilaModule } from '../workers/fila/fila.module';
import { AlertRules } from './alert-rules';
import { AlertState } from './alert-state';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { AlertsWorker } from './alerts.worker';

/** The check_alerts job. Needs the global AppConfig, Clock, PrismaService and RedisService. */
@Module({
  imports: [FilaModule, NotificationsModule],
  providers: [AlertsWorker, AlertsService, AlertRules, AlertState, AlertsRepository],
})
export class AlertsModule {}
