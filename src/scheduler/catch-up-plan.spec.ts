import { planCatchUp } from './catch-up-plan';
import { CronSchedule } from './cron-schedule';

const hourly = new CronSchedule('0 * * * *', 'America/Sao_Paulo');
const weekdaysAtEight = new CronSchedule('0 8 * * 1-5', 'America/Sao_Paulo');

describe('planCatchUp', () => {
  it('does nothing when the last due run was claimed', () => {
    const plan = planCatchUp(hourly, new Date('2026-03-02T13:00:00Z'), new Date('2026-03-02T13:20:00Z'));
    expect(plan).toEqual({ action: 'none' });
  });

  it('runs the latest missed tick once, counting the missed ones', () => {
    // down from 10:30 to 13:20 UTC: 11:00, 12:00 and 13:00 were missed
    const plan = planCatchUp(hourly, new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T13:20:00Z'));
    expect(plan).toEqual({ action: 'run', dueAt: new Date('2026-03-02T13:00:00Z'), missed: 3 });
  });

  it('catches up a daily run missed earlier within its period', () => {
    // the 08:00 report was missed; the service comes back at 21:00 local the same day (period 24 h → still in window)
    const sameDay = planCatchUp(
      weekdaysAtEight,
      new Date('2026-03-02T11:00:00Z'),
      new Date('2026-03-04T00:00:00Z'),
    );
    expect(sameDay).toEqual({ action: 'run', dueAt: new Date('2026-03-03T11:00:00Z'), missed: 1 });
  });

  it('initializes on the first start ever instead of running', () => {
    const plan = planCatchUp(hourly, null, new Date('2026-03-02T13:20:00Z'));
    expect(plan).toEqual({ action: 'initialize', dueAt: new Date('2026-03-02T13:00:00Z') });
  });

  it('finds the previous weekday run across a weekend', () => {
    // Sunday evening: the last due time was Friday 08:00 local, long before → too old for catch-up
    const plan = planCatchUp(
      weekdaysAtEight,
      new Date('2026-03-05T11:00:00Z'),
      new Date('2026-03-08T22:00:00Z'),
    );
    expect(plan).toEqual({ action: 'too_old', dueAt: new Date('2026-03-06T11:00:00Z'), missed: 1 });
  });
});
