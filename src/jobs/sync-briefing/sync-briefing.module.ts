import { Module } from '@nestjs/common';
import { BriefingFetcher } from './briefing-fetcher';
import { SyncBriefingRepository } from './sync-briefing.repository';
import { SyncBriefingService } from './sync-briefing.service';
import { SyncBriefingWorker } from './sync-briefing.worker';

@Module({ providers: [SyncBriefingWorker, SyncBriefingService, SyncBriefingRepository, BriefingFetcher] })
export class SyncBriefingModule {}
