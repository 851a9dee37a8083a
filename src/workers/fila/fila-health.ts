import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { QueueWorkerHealth, type QueueWorkerState } from '../../health/queue-worker-health';

// a poll may be skipped (still running) or slow; three missed intervals plus a full run mean trouble
const MISSED_POLLS = 3;

/**
 * `fila_worker` in /health/workers: healthy while this replica polls the queue and can send; stale when
 * no poll finished for a while, or when sending is paused (Redis unreachable: rate limits cannot be
 * checked, so nothing goes out until it is back).
 */
@Injectable()
export class FilaHealth extends QueueWorkerHealth {
  private readonly startedAt: Date;
  private lastPollAt: Date | null = null;
  private pausedBecause: string | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    super();
    this.startedAt = clock.now();
  }

  recordPoll(at: Date, pausedBecause: string | null): void {
    this.lastPollAt = at;
    this.pausedBecause = pausedBecause;
  }

  override reason(): string | null {
    if (this.pausedBecause) return `sending paused: ${this.pausedBecause}`;
    return this.lastPollAt ? 'no queue poll finished recently' : null;
  }

  state(): QueueWorkerState {
    if (this.pausedBecause) return 'stale';
    const allowedGapMs = MISSED_POLLS * this.config.QUEUE_POLL_INTERVAL * 1000 + this.config.jobTimeoutMs;
    const since = this.lastPollAt ?? this.startedAt;
    return this.clock.now().getTime() - since.getTime() > allowedGapMs ? 'stale' : 'healthy';
  }
}
