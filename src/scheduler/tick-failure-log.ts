import type { Logger } from '@nestjs/common';

interface Failing {
  readonly since: string;
  readonly reason: string;
  failedTicks: number;
}

/**
 * Logs a job's failing ticks once per spell rather than once per tick: while PostgreSQL is down, a 1 s
 * job would otherwise log an ERROR every second on every replica. The first failure (and any change of
 * reason) is an ERROR, repeats are debug, and the first good tick after a spell says how many failed.
 */
export class TickFailureLog {
  private readonly failing = new Map<string, Failing>();

  constructor(private readonly logger: Pick<Logger, 'error' | 'log' | 'debug'>) {}

  failed(job: string, dueAt: Date, reason: string): void {
    const spell = this.failing.get(job);
    const fields = { msg: 'tick failed', job, due_at: dueAt.toISOString(), error: reason };
    if (spell?.reason === reason) {
      spell.failedTicks++;
      this.logger.debug({ ...fields, failed_ticks: spell.failedTicks });
      return;
    }
    this.failing.set(job, { since: dueAt.toISOString(), reason, failedTicks: (spell?.failedTicks ?? 0) + 1 });
    this.logger.error(fields);
  }

  succeeded(job: string): void {
    const spell = this.failing.get(job);
    if (spell === undefined) return;
    this.failing.delete(job);
    this.logger.log({
      msg: 'ticks run again',
      job,
      failed_ticks: spell.failedTicks,
      failing_since: spell.since,
    });
  }
}
