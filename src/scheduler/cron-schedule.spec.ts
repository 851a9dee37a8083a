import { CronSchedule } from './cron-schedule';
import { IntervalSchedule } from './interval-schedule';

describe('CronSchedule', () => {
  const weekdaysAtEight = new CronSchedule('0 8 * * 1-5', 'America/Sao_Paulo');

  it('evaluates the expression in America/Sao_Paulo, not UTC', () => {
    // Monday 2026-03-02 07:59 in São Paulo is 10:59 UTC
    expect(weekdaysAtEight.nextAfter(new Date('2026-03-02T10:59:00Z')).toISOString()).toBe(
      '2026-03-02T11:00:00.000Z',
    );
  });

  it("gives a weekday job's period as a day, whatever the machine's date (a Friday morning too)", () => {
    jest.useFakeTimers({ now: new Date('2026-03-06T10:00:00Z'), doNotFake: ['setTimeout', 'setInterval'] });
    try {
      // Friday 07:00 in São Paulo: the next two due times are Friday and Monday, 72 h apart
      expect(new CronSchedule('0 8 * * 1-5', 'America/Sao_Paulo').periodMs()).toBe(24 * 3_600_000);
      expect(new CronSchedule('0 9 * * 1', 'America/Sao_Paulo').periodMs()).toBe(7 * 24 * 3_600_000);
    } finally {
      jest.useRealTimers();
    }
  });

  it('skips the weekend with the 1-5 day range', () => {
    // Friday 2026-03-06 09:00 local → Monday 2026-03-09 08:00 local
    expect(weekdaysAtEight.nextAfter(new Date('2026-03-06T12:00:00Z')).toISOString()).toBe(
      '2026-03-09T11:00:00.000Z',
    );
  });

  it('an 08:00 job in UTC would fire at a different instant', () => {
    const utc = new CronSchedule('0 8 * * 1-5', 'UTC');
    expect(utc.nextAfter(new Date('2026-03-02T07:00:00Z')).toISOString()).toBe('2026-03-02T08:00:00.000Z');
    expect(weekdaysAtEight.nextAfter(new Date('2026-03-02T07:00:00Z')).toISOString()).toBe(
      '2026-03-02T11:00:00.000Z',
    );
  });

  it('supports steps and ranges (*/30, 1-5)', () => {
    const halfHourly = new CronSchedule('*/30 * * * *', 'America/Sao_Paulo');
    expect(halfHourly.nextAfter(new Date('2026-03-02T10:29:59Z')).toISOString()).toBe(
      '2026-03-02T10:30:00.000Z',
    );
    expect(halfHourly.periodMs()).toBe(30 * 60_000);
  });

  it('lists due times in a range, oldest first', () => {
    const hourly = new CronSchedule('0 * * * *', 'America/Sao_Paulo');
    const due = hourly.dueTimesBetween(new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T13:00:00Z'));
    expect(due.map((d) => d.toISOString())).toEqual([
      '2026-03-02T11:00:00.000Z',
      '2026-03-02T12:00:00.000Z',
      '2026-03-02T13:00:00.000Z',
    ]);
  });

  it('rejects malformed expressions and timezones', () => {
    expect(() => new CronSchedule('0 8 * *', 'America/Sao_Paulo')).toThrow();
    expect(() => new CronSchedule('0 8 * * *', 'Mars/Olympus')).toThrow();
  });
});

describe('IntervalSchedule', () => {
  it('aligns due times to the epoch so every replica computes the same ones', () => {
    const every30s = new IntervalSchedule(30_000);
    expect(every30s.nextAfter(new Date('2026-03-02T10:00:10Z')).toISOString()).toBe(
      '2026-03-02T10:00:30.000Z',
    );
    expect(every30s.nextAfter(new Date('2026-03-02T10:00:30Z')).toISOString()).toBe(
      '2026-03-02T10:01:00.000Z',
    );
    expect(every30s.describe()).toBe('every 30s');
  });
});
