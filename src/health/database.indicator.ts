import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Clock } from '../common/clock';
import { SingleFlight } from '../common/single-flight';
import { HEALTH_CHECK_TIMEOUT_MS } from './health.constants';
import { plainFailure, shortMessage } from './health-message';
import { HealthRepository, WorkersStats } from './health.repository';

export interface DatabaseCheck {
  readonly status: 'up' | 'down';
  readonly responseTime: number;
  readonly message?: string;
  /** null when the database did not answer in time */
  readonly stats: WorkersStats | null;
}

/**
 * The database is up when the queries behind `last_job_at` and `queue_size` answer within the timeout:
 * one round of real work proves more than `SELECT 1`, and costs the same single probe.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly repository: HealthRepository,
    private readonly clock: Clock,
  ) {}

  // A probe that gave up on a hung read (a table lock, a stuck connection) leaves it running; the next
  // probes wait on that same read rather than each start one and hold a pool connection until
  // statement_timeout, which would starve the jobs of connections.
  private readonly reads = new SingleFlight<WorkersStats>();

  async check(): Promise<DatabaseCheck> {
    const read: { stats?: WorkersStats } = {};
    const { database } = await this.health
      .check('database')
      .attempt(async () => {
        try {
          read.stats = await this.reads.run(() => this.repository.workersStats(this.clock.now()));
        } catch (error) {
          throw plainFailure(error);
        }
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
    const up = database.status === 'up';
    return {
      status: up ? 'up' : 'down',
      responseTime: database.responseTime as number,
      ...(!up && { message: shortMessage(database.message) }),
      // a late answer may land in `read` after the timeout; it is ignored rather than mixed in
      stats: up ? (read.stats ?? null) : null,
    };
  }
}
