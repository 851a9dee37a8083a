import { Module } from '@nestjs/common';
import { BriefingFetcher } from './briefing-fetcher';
import { BRIEFING_TIMEOUT, BRIEFING_TIMEOUT_MS } from './sync-briefing.constants';
import { SyncBriefingRepository } from './sync-briefing.repository';
import { SyncBriefingService } from './sync-briefing.service';
import { SyncBriefingWorker } from './sync-briefing.worker';

@Module({
  providers: [
    SyncBriefingWorker,
    SyncBriefingService,
    SyncBriefingRepository,
    BriefingFetcher,
    { provide: BRIEFING_TIMEOUT, useValue: BRIEFING_TIMEOUT_MS },
  ],
})
export class SyncBriefingModule {}
