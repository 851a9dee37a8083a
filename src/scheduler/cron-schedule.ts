import { CronTime } from 'cron';
import type { JobSchedule } from './job-schedule';

const PERIOD_SAMPLE_FROM = new Date('2025-01-01T00:00:00Z');
const PERIOD_SAMPLE_SIZE = 16;

/** A cron expression evaluated in a timezone (the `cron` package, as @nestjs/schedule uses). */
export class CronSchedule implements JobSchedule {
  readonly kind = 'cron';
  private readonly cronTime: CronTime;
  private shortestGapMs: number | undefined;

  constructor(
    readonly expression: string,
    readonly timeZone: string,
  ) {
    this.cronTime = new CronTime(expression, timeZone);
  }

  describe(): string {
    return `${this.expression} (${this.timeZone})`;
  }

  nextAfter(instant: Date): Date {
    // getNextDateFrom ignores the CronTime's own zone unless it is passed again
    return this.cronTime.getNextDateFrom(instant, this.timeZone).toJSDate();
  }

  /**
   * The shortest gap between two due times, over a sample that spans a week and a month's end: 24 h for a
   * weekday job on any day. Taken from a fixed instant, so it depends neither on the machine's date (a
   * Friday would otherwise see the weekend's 72 h) nor on when it is asked.
   */
  periodMs(): number {
    if (this.shortestGapMs === undefined) {
      let previous = this.nextAfter(PERIOD_SAMPLE_FROM);
      let shortest = Number.POSITIVE_INFINITY;
      for (let sampled = 0; sampled < PERIOD_SAMPLE_SIZE; sampled++) {
        const next = this.nextAfter(previous);
        shortest = Math.min(shortest, next.getTime() - previous.getTime());
        previous = next;
      }
      this.shortestGapMs = shortest;
    }
    return this.shortestGapMs;
  }

  /** Due times in (after, until], oldest first, at most `limit` of them. */
  dueTimesBetween(after: Date, until: Date, limit = 10_000): Date[] {
    const due: Date[] = [];
    for (let next = this.nextAfter(after); next <= until && due.length < limit; next = this.nextAfter(next))
      due.push(next);
    return due;
  }
}
