import { Injectable } from '@nestjs/common';
import type { MessageOutcome } from './message-outcome';
import type { RateDecision } from './outbound-rate-limiter';

/** Which limit sent a message back to `pendente`. */
export type DeferralReason = Extract<RateDecision, { allowed: false }>['reason'];

/** How many messages of one provider and sending number came to one outcome, since start. */
export interface SendCount {
  readonly provider: string;
  /** the sending number; `none` for outcomes decided before a number was chosen */
  readonly number: string;
  readonly outcome: MessageOutcome['kind'];
  readonly count: number;
}

/**
 * Counters the queue worker keeps for the metrics endpoint (sends by provider, number and outcome,
 * rate-limit deferrals; send latency goes to the SendObserver). Queue size and the oldest due age are
 * read from the database on demand (FilaRepository.stats). Exported by prom-client in src/metrics.
 */
@Injectable()
export class FilaMetrics {
  private readonly counts = new Map<string, SendCount>();
  private readonly deferrals = new Map<DeferralReason, number>();

  recordOutcomes(provider: string, outcomes: readonly MessageOutcome[]): void {
    for (const outcome of outcomes) {
      // every outcome of a provider call carries its number, failures too: which number fails is the question
      const number = ('sendingNumber' in outcome ? outcome.sendingNumber : undefined) ?? 'none';
      const key = `${provider}\u0000${number}\u0000${outcome.kind}`;
      const count = this.counts.get(key)?.count ?? 0;
      this.counts.set(key, { provider, number, outcome: outcome.kind, count: count + 1 });
    }
  }

  sendCounts(): SendCount[] {
    return [...this.counts.values()];
  }

  recordDeferral(reason: DeferralReason): void {
    this.deferrals.set(reason, (this.deferrals.get(reason) ?? 0) + 1);
  }

  /** rate-limit deferrals since start, by the limit that sent each message back */
  deferralCounts(): Array<{ reason: DeferralReason; count: number }> {
    return [...this.deferrals].map(([reason, count]) => ({ reason, count }));
  }
}
