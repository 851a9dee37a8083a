import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { QueueWorkerHealth, type QueueWorkerState } from '../../health/queue-worker-health';
import { RedisService } from '../../redis/redis.service';
import { JobNames } from '../../scheduler/job-names';
import { JobRegistry } from '../../scheduler/job-registry';
import { FilaRepository } from './fila.repository';

// a poll may be skipped (still running) or slow; three missed periods plus a full run mean trouble
const MISSED_POLLS = 3;

/**
 * `fila_worker` in /health/workers, the same answer on every replica: healthy while some replica polls
 * the queue successfully (one replica runs each tick, so a replica's own polls say nothing); stale when no
 * poll succeeded for three periods plus JOB_TIMEOUT, or while sending is paused because Redis cannot be
 * reached (rate limits cannot be checked, so nothing goes out until it is back): this replica cannot reach
 * it, or the cluster's last poll paused for it; paused while an operator has paused process_queue (healthy
 * for the status code, with who and since when).
 */
@Injectable()
export class FilaHealth extends QueueWorkerHealth {
  private readonly startedAt: Date;
  private why: string | null = null;

  constructor(
    private readonly repository: FilaRepository,
    private readonly redis: RedisService,
    private readonly registry: JobRegistry,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
    this.startedAt = clock.now();
  }

  override reason(): string | null {
    return this.why;
  }

  async state(): Promise<QueueWorkerState> {
    // an operator's pause is not a failure: health stays up (a deploy or a monitor must not trip on it)
    const pause = await this.repository.queuePause();
    if (pause) {
      this.why = `process_queue paused by ${pause.by ?? 'an operator'} since ${pause.since?.toISOString() ?? '?'}`;
      return 'paused';
    }
    if (this.redis.isConfigured() && !this.redis.isReady()) {
      this.why = 'sending paused: Redis unreachable';
      return 'stale';
    }
    // the cluster's last poll, not this replica's: a replica whose own poll paused while other replicas
    // win the ticks since Redis came back would otherwise report the pause for as long as they do
    const lastPoll = await this.repository.lastSuccessfulPoll();
    if (lastPoll?.pausedBecause) {
      this.why = `sending paused: ${lastPoll.pausedBecause}`;
      return 'stale';
    }
    this.why = null;
    // a new deployment has no history yet: count from this process's start
    const since = Math.max(lastPoll?.at.getTime() ?? 0, this.startedAt.getTime());
    const period = this.registry.get(JobNames.processQueue).schedule.periodMs();
    const allowedGapMs = MISSED_POLLS * period + this.config.jobTimeoutMs;
    if (this.clock.now().getTime() - since <= allowedGapMs) return 'healthy';
    this.why = `no queue poll succeeded since ${new Date(since).toISOString()}`;
    return 'stale';
  }
}
