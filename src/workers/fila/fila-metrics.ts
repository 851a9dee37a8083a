import { Injectable } from '@nestjs/common';
import type { MessageOutcome } from './message-outcome';

const LATENCY_SAMPLES = 1024;

/**
 * Counters the queue worker keeps for the metrics endpoint (sends by provider and outcome, rate-limit
 * deferrals, send latency). Queue size and the oldest due age are read from the database on demand
 * (FilaRepository.stats). Exported by prom-client in the ops module.
 */
@Injectable()
export class FilaMetrics {
  readonly outcomes = new Map<string, number>();
  rateLimitDeferrals = 0;
  private readonly latencies: number[] = [];

  recordOutcomes(provider: string, outcomes: readonly MessageOutcome[]): void {
    for (const outcome of outcomes) {
      const key = `${provider}:${outcome.kind}`;
      this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    }
  }

  observeSendLatency(milliseconds: number): void {
    if (this.latencies.length >= LATENCY_SAMPLES) this.latencies.shift();
    this.latencies.push(milliseconds);
  }

  /** recent send latencies in ms, oldest first */
  recentLatencies(): readonly number[] {
    return this.latencies;
  }
}
