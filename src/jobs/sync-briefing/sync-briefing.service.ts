import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { BriefingFetcher } from './briefing-fetcher';
import { briefingSource } from './briefing-source';
import { htmlToText, looksLikeHtml, normaliseText } from './html-to-text';
import { SyncBriefingRepository } from './sync-briefing.repository';

/** A failed download fails the run (the runner records the reason); the last good version stays. */
export class BriefingSyncError extends Error {}

/** Hourly: downloads BRIEFING_URL and stores a new `briefings` version only when the text changed. */
@Injectable()
export class SyncBriefingService {
  constructor(
    private readonly fetcher: BriefingFetcher,
    private readonly repository: SyncBriefingRepository,
    private readonly config: AppConfig,
  ) {}

  async run(context: JobContext): Promise<JobResult> {
    const url = this.config.BRIEFING_URL;
    if (url === undefined) {
      context.logger.info('briefing not configured');
      return { itemsProcessed: 0, details: { outcome: 'not configured' } };
    }
    const source = briefingSource(url);
    const download = await this.fetcher.fetch(source, context.signal);
    if (!download.ok) return this.keepLastVersion(download.reason, context);
    const html = looksLikeHtml(download.contentType, download.body);
    const text = html ? htmlToText(download.body) : normaliseText(download.body);
    // a page whose text is all drawn by scripts has none left: it is no briefing, not a new one
    if (text === '')
      return this.keepLastVersion('briefing page has no text once its markup is removed', context);
    const hash = createHash('sha256').update(text).digest('hex');
    const stored = await this.repository.storeIfChanged(text, hash, source.url, download.contentType);
    const versao = stored ?? (await this.repository.latest())?.versao ?? null;
    const details = {
      outcome: stored === null ? 'unchanged' : 'stored',
      versao,
      hash: hash.slice(0, 12),
      characters: text.length,
      html,
    };
    context.logger.info(stored === null ? 'briefing unchanged' : 'new briefing version stored', details);
    return { itemsProcessed: stored === null ? 0 : 1, details };
  }

  private async keepLastVersion(reason: string, context: JobContext): Promise<never> {
    const latest = await this.repository.latest();
    context.logger.warn('briefing sync failed; the last version stays', {
      reason,
      versao: latest?.versao ?? null,
    });
    throw new BriefingSyncError(`${reason} (kept version ${latest?.versao ?? 'none'})`);
  }
}
