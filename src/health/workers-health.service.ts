import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DatabaseCheck, DatabaseHealthIndicator } from './database.indicator';
import { WorkersStats } from './health.repository';
import { QueueWorkerCheck, QueueWorkerHealthIndicator } from './queue-worker.indicator';
import { QueueWorkerState } from './queue-worker-health';
import { RedisCheck, RedisHealthIndicator } from './redis.indicator';
import { SchedulerCheck, SchedulerHealthIndicator } from './scheduler.indicator';

/** The body of GET /health/workers (CONTRACT §7); the same fields with 200 and with 503. */
export interface WorkersHealthReport {
  status: 'ok' | 'error';
  scheduler: 'running' | 'stopped';
  fila_worker: QueueWorkerState;
  /** ISO-8601; null when no job has ever run (or the database was never reachable) */
  last_job_at: string | null;
  queue_size: number;
  details: {
    database: Omit<DatabaseCheck, 'stats'> & {
      /** where last_job_at / queue_size come from: read now, remembered from an earlier probe, or none */
      stats: 'current' | 'last_known' | 'unavailable';
      stats_read_at: string | null;
    };
    redis: RedisCheck;
    scheduler: SchedulerCheck;
    fila_worker: QueueWorkerCheck;
  };
}

/**
 * Runs every check in parallel, each bounded by HEALTH_CHECK_TIMEOUT_MS, and composes the report.
 * Unhealthy (503) when the database is down, the scheduler stopped or the queue worker stale; Redis's own
 * check does not fail it, but sending pauses without Redis, which makes the queue worker stale.
 *
 * When the database is down `last_job_at` and `queue_size` cannot be read. The contract wants an int and
 * an ISO string in every answer, so the report carries the last values this replica read (null and 0 when
 * it never read any), and `details.database.stats` says they are `last_known` (or `unavailable`).
 */
@Injectable()
export class WorkersHealthService {
  private readonly logger = new Logger('health');
  private lastKnown: { stats: WorkersStats; readAt: Date } | null = null;
  private lastStatus: WorkersHealthReport['status'] | null = null;

  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly scheduler: SchedulerHealthIndicator,
    private readonly queueWorker: QueueWorkerHealthIndicator,
    private readonly clock: Clock,
  ) {}

  async check(): Promise<WorkersHealthReport> {
    const [database, redis, scheduler, queueWorker] = await Promise.all([
      this.database.check(),
      this.redis.check(),
      this.scheduler.check(),
      this.queueWorker.check(),
    ]);
    const { stats: current, ...databaseCheck } = database;
    if (current !== null) this.lastKnown = { stats: current, readAt: this.clock.now() };
    const known = this.lastKnown;
    const healthy = database.status === 'up' && scheduler.status === 'up' && queueWorker.status === 'up';
    const report: WorkersHealthReport = {
      status: healthy ? 'ok' : 'error',
      scheduler: scheduler.state,
      fila_worker: queueWorker.state,
      last_job_at: known?.stats.lastJobAt?.toISOString() ?? null,
      queue_size: known?.stats.queueSize ?? 0,
      details: {
        database: {
          ...databaseCheck,
          stats: current !== null ? 'current' : known !== null ? 'last_known' : 'unavailable',
          stats_read_at: known?.readAt.toISOString() ?? null,
        },
        redis,
        scheduler,
        fila_worker: queueWorker,
      },
    };
    this.logTransition(report);
    return report;
  }

  // one line when the answer changes, not one per probe
  private logTransition(report: WorkersHealthReport): void {
    if (report.status === this.lastStatus) return;
    const first = this.lastStatus === null;
    this.lastStatus = report.status;
    const { database, redis, scheduler, fila_worker } = report.details;
    const fields = {
      database: database.status,
      redis: redis.status,
      scheduler: scheduler.state,
      fila_worker: fila_worker.state,
    };
    if (report.status === 'error') this.logger.warn({ msg: 'workers health: unhealthy', ...fields });
    else if (!first) this.logger.log({ msg: 'workers health: healthy again', ...fields });
  }
}
