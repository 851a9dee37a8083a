import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from './metrics-registry';
import { QueueStatsCache } from './queue-stats.cache';

/**
 * queue_size and queue_oldest_due_seconds, read (through the cache) when scraped. While the database does
 * not answer, the last values stay: a scrape must not fail because of it (the health check reports it).
 */
@Injectable()
export class QueueMetrics {
  private readonly logger = new Logger('metrics');

  constructor(registry: MetricsRegistry, cache: QueueStatsCache) {
    const read = async () => {
      try {
        return await cache.get();
      } catch (error) {
        this.logger.warn({ msg: 'queue gauges not refreshed', error: (error as Error).message });
        return null;
      }
    };
    new Gauge({
      name: 'queue_size',
      help: 'Due fila_mensagens rows still pendente (agendar_para <= now).',
      registers: [registry],
      async collect() {
        const stats = await read();
        if (stats) this.set(stats.size);
      },
    });
    new Gauge({
      name: 'queue_oldest_due_seconds',
      help: 'How long the oldest due pendente message has waited, in seconds (0 when none).',
      registers: [registry],
      async collect() {
        const stats = await read();
        if (stats) this.set(stats.oldestDueSeconds);
      },
    });
  }
}
