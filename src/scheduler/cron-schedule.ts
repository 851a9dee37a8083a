import { CronTime } from 'cron';
import type { JobSchedule } from './job-schedule';

/** A cron expression evaluated in a timezone (the `cron` package, as @nestjs/schedule uses). */
export class CronSchedule implements JobSchedule {
  readonly kind = 'cron';
  private readonly cronTime: CronTime;

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

  periodMs(): number {
    const first = this.nextAfter(new Date());
    return this.nextAfter(first).getTime() - first.getTime();
  }

  /** Due times in (after, until], oldest first, at most `limit` of them. */
  dueTimesBetween(after: Date, until: Date, limit = 10_000): Date[] {
    const due: Date[] = [];
    for (let next = this.nextAfter(after); next <= until && due.length < limit; next = this.nextAfter(next))
      due.push(next);
    return due;
  }
}
