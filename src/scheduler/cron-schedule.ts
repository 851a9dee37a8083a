import { CronTime } from 'cron';
import { offsetMs } from '../common/local-time';
import type { JobSchedule } from './job-schedule';

const PERIOD_SAMPLE_FROM = new Date('2025-01-01T00:00:00Z');
const PERIOD_SAMPLE_SIZE = 16;
// longer than any zone's DST shift: a phantom due time comes less than one shift after the clocks go back
const DST_SHIFT_LOOKBACK_MS = 3 * 3_600_000;
const MAX_PHANTOMS_IN_A_ROW = 4;

/** A cron expression evaluated in a timezone (the `cron` package, as @nestjs/schedule uses). */
export class CronSchedule implements JobSchedule {
  readonly kind = 'cron';
  private readonly cronTime: CronTime;
  /** the same expression on a clock without DST, to ask whether a local wall time matches it */
  private readonly wallClockTime: CronTime;
  private shortestGapMs: number | undefined;

  constructor(
    readonly expression: string,
    readonly timeZone: string,
  ) {
    this.cronTime = new CronTime(expression, timeZone);
    this.wallClockTime = new CronTime(expression, 'UTC');
  }

  describe(): string {
    return `${this.expression} (${this.timeZone})`;
  }

  nextAfter(instant: Date): Date {
    let next = this.cronNextAfter(instant);
    for (let skipped = 0; skipped < MAX_PHANTOMS_IN_A_ROW && this.isFallBackPhantom(next); skipped++)
      next = this.cronNextAfter(next);
    return next;
  }

  private cronNextAfter(instant: Date): Date {
    // getNextDateFrom ignores the CronTime's own zone unless it is passed again
    return this.cronTime.getNextDateFrom(instant, this.timeZone).toJSDate();
  }

  /**
   * On a fall-back day `cron` also gives the due wall time read with the summer offset, after the clocks
   * went back (`30 2 * * *` in New York: 01:30 EST, then 02:30 EST), so a daily job would run twice. Such
   * an instant's own wall time does not match the expression and follows the offset dropping. The
   * spring-forward stand-in (a skipped 02:30 run at 03:00) does not match either, but follows the offset
   * rising, and is kept.
   */
  private isFallBackPhantom(due: Date): boolean {
    const offset = offsetMs(due, this.timeZone);
    const clocksWentBack = offset < offsetMs(new Date(due.getTime() - DST_SHIFT_LOOKBACK_MS), this.timeZone);
    if (!clocksWentBack) return false;
    const wallClock = due.getTime() + offset;
    const next = this.wallClockTime.getNextDateFrom(new Date(wallClock - 1000), 'UTC');
    return next.toMillis() !== wallClock;
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
