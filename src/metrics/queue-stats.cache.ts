import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { FilaRepository, type QueueStats } from '../workers/fila/fila.repository';
import { DATABASE_GAUGE_CACHE_MS } from './metrics.constants';

/**
 * FilaRepository.stats, reused for a few seconds and shared by concurrent scrapes, so a scraper (or
 * several) polling /metrics costs at most one query per DATABASE_GAUGE_CACHE_MS.
 */
@Injectable()
export class QueueStatsCache {
  private cached: { stats: QueueStats; at: number } | null = null;
  private pending: Promise<QueueStats> | null = null;

  constructor(
    private readonly repository: FilaRepository,
    private readonly clock: Clock,
  ) {}

  async get(): Promise<QueueStats> {
    const now = this.clock.now();
    if (this.cached && now.getTime() - this.cached.at < DATABASE_GAUGE_CACHE_MS) return this.cached.stats;
    this.pending ??= this.repository
      .stats(now)
      .then((stats) => {
        this.cached = { stats, at: now.getTime() };
        return stats;
      })
      .finally(() => (this.pending = null));
    return this.pending;
  }
}
