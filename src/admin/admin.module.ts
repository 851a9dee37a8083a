import { Module } from '@nestjs/common';
import { OutboundQueueModule } from '../queue/outbound-queue.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { FilaModule } from '../workers/fila/fila.module';
import { HandoffModule } from '../workers/handoff/handoff.module';
import { PilotModeModule } from '../workers/pilot-mode/pilot-mode.module';
import { AdminHandoffsController } from './admin-handoffs.controller';
import { AdminJobsController } from './admin-jobs.controller';
import { AdminJobsRepository } from './admin-jobs.repository';
import { AdminJobsService } from './admin-jobs.service';
import { AdminPilotController } from './admin-pilot.controller';
import { AdminQueueController } from './admin-queue.controller';
import { AdminQueueRepository } from './admin-queue.repository';
import { AdminStatsController } from './admin-stats.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { DashboardController } from './dashboard/dashboard.controller';

/** /admin: the operators' API (bearer ADMIN_TOKEN) and the dashboard page that uses it. */
@Module({
  imports: [SchedulerModule, FilaModule, OutboundQueueModule, PilotModeModule, HandoffModule],
  controllers: [
    AdminJobsController,
    AdminQueueController,
    AdminPilotController,
    AdminHandoffsController,
    AdminStatsController,
    DashboardController,
  ],
  providers: [AdminTokenGuard, AdminJobsService, AdminJobsRepository, AdminQueueRepository],
})
export class AdminModule {}
