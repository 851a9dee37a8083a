import { Module } from '@nestjs/common';
import { NotificationsModule } from '../../notifications/notifications.module';
import { OutboundQueueModule } from '../../queue/outbound-queue.module';
import { FeatureFlagsModule } from '../pilot-mode/feature-flags.module';
import { HandoffAnswerService } from './handoff-answer.service';
import { HandoffRepository } from './handoff.repository';
import { HandoffService } from './handoff.service';
import { HandoffWorker } from './handoff.worker';

/** handoff_processor, and HandoffAnswerService for the admin API (the poster's answer). */
@Module({
  imports: [OutboundQueueModule, NotificationsModule, FeatureFlagsModule],
  providers: [HandoffWorker, HandoffService, HandoffAnswerService, HandoffRepository],
  exports: [HandoffAnswerService],
})
export class HandoffModule {}
