import { Module } from '@nestjs/common';
import { OutboundQueueModule } from '../../queue/outbound-queue.module';
import { RetomadaRepository } from './retomada.repository';
import { RetomadaService } from './retomada.service';
import { RetomadaWorker } from './retomada.worker';

@Module({
  imports: [OutboundQueueModule],
  providers: [RetomadaWorker, RetomadaService, RetomadaRepository],
})
export class RetomadaModule {}
