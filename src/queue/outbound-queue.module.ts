import { Module } from '@nestjs/common';
import { OutboundQueueRepository } from './outbound-queue.repository';
import { OutboundQueueService } from './outbound-queue.service';

@Module({
  providers: [OutboundQueueService, OutboundQueueRepository],
  exports: [OutboundQueueService],
})
export class OutboundQueueModule {}
