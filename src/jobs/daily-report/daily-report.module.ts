import { Module } from '@nestjs/common';
import { NotificationsModule } from '../../notifications/notifications.module';
import { DailyReportRepository } from './daily-report.repository';
import { DailyReportService } from './daily-report.service';
import { DailyReportWorker } from './daily-report.worker';

@Module({
  imports: [NotificationsModule],
  providers: [DailyReportWorker, DailyReportService, DailyReportRepository],
})
export class DailyReportModule {}
