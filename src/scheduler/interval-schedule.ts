import type { JobSchedule } from './job-schedule';

/** Every N ms, aligned to the Unix epoch so all replicas agree on the due times. */
export class IntervalSchedule implements JobSchedule {
  readonly kind = 'interval';

  constructor(readonly milliseconds: number) {
    if (!(milliseconds > 0)) throw new Error(`interval must be positive, got ${milliseconds}`);
  }

  describe(): string {
    return this.milliseconds % 1000 === 0
      ? `every ${this.milliseconds / 1000}s`
      : `every ${this.milliseconds}ms`;
  }

  nextAfter(instant: Date): Date {
    return new Date((Math.floor(instant.getTime() / this.milliseconds) + 1) * this.milliseconds);
  }

  periodMs(): number {
    return this.milliseconds;
  }
}
