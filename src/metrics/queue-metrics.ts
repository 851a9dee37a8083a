import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge } from 'prom-client';
import { DATABASE_GAUGE_TIMEOUT_MS } from './metrics.constants';
import { MetricsRegistry } from './metrics-registry';
import { QueueStatsCache } from './queue-stats.cache';

/**
 * queue_size and queue_oldest_due_seconds, read (through the cache) when scraped. While the database does
 * not answer (down, or a table lock), the last values stay: a scrape must neither fail nor wait for it
 * (the health check reports it).
 */
@Injectable()
export class QueueMetrics {
  private readonly logger = new Logger('metrics');

  constructor(registry: MetricsRegistry, cache: QueueStatsCache) {
    const read = async () => {
      const gaveUp = new AbortController();
      try {
        const stats = await Promise.race([
          cache.get(),
          sleep(DATABASE_GAUGE_TIMEOUT_MS, null, { signal: gaveUp.signal, ref: false }),
        ]);
        if (stats === null)
          this.logger.warn({
            msg: 'queue gauges not refreshed',
            error: `the database did not answer within ${DATABASE_GAUGE_TIMEOUT_MS} ms`,
          });
        return stats;
      } catch (error) {
        this.logger.warn({ msg: 'queue gauges not refreshed', error: (error as Error).message });
        return null;
      } finally {
        gaveUp.abort();
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
