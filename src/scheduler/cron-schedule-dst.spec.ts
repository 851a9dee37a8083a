import { CronSchedule } from './cron-schedule';
import { planCatchUp } from './catch-up-plan';

// SCHEDULER_TIMEZONE may be any IANA zone (CONTRACT §3); São Paulo has no DST, but an operator running the
// service in a zone with DST must still get each daily cron run once per local day (CONTRACT §2: "Each
// scheduled run happens once"). JobScheduler.arm() steps from one due time to the next with
// CronSchedule.nextAfter, so the due times listed here are exactly the ticks the scheduler fires (and each
// has its own (job_name, due_at) row, so the claim does not dedupe them).

/** the local calendar date (YYYY-MM-DD) of an instant in a zone */
function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(instant);
}

function dueOnLocalDay(expression: string, timeZone: string, day: string): string[] {
  const schedule = new CronSchedule(expression, timeZone);
  const from = new Date(new Date(`${day}T00:00:00Z`).getTime() - 86_400_000);
  const until = new Date(new Date(`${day}T00:00:00Z`).getTime() + 2 * 86_400_000);
  // the scheduler's own stepping: nextAfter from the previous due time
  const due: Date[] = [];
  for (let next = schedule.nextAfter(from); next <= until; next = schedule.nextAfter(next)) due.push(next);
  return due.filter((instant) => localDate(instant, timeZone) === day).map((d) => d.toISOString());
}

describe('daily cron jobs across a DST change (SCHEDULER_TIMEZONE with DST)', () => {
  it('America/New_York, 02:30 daily on the fall-back day (2026-11-01): runs once, at 02:30 EST', () => {
    // 02:00 EDT -> 01:00 EST at 06:00Z; 02:30 EST is 07:30Z and happens once
    expect(dueOnLocalDay('30 2 * * *', 'America/New_York', '2026-11-01')).toEqual([
      '2026-11-01T07:30:00.000Z',
    ]);
  });

  it('America/New_York, 02:30 daily on the spring-forward day (2026-03-08): runs once (02:30 does not exist)', () => {
    expect(dueOnLocalDay('30 2 * * *', 'America/New_York', '2026-03-08')).toHaveLength(1);
  });

  it('Europe/Berlin: the built-in prune_job_history (17 3 * * *) runs once on the fall-back day (2026-10-25)', () => {
    // 03:00 CEST -> 02:00 CET at 01:00Z; 03:17 CET is 02:17Z
    expect(dueOnLocalDay('17 3 * * *', 'Europe/Berlin', '2026-10-25')).toEqual(['2026-10-25T02:17:00.000Z']);
  });

  it('catch-up does not see a phantom 01:30 EST "02:30" run as the latest due one', () => {
    // the service is down from 06:00Z to 06:45Z on the fall-back day: it is 01:45 EST, the 02:30 run is still ahead
    const daily = new CronSchedule('30 2 * * *', 'America/New_York');
    const plan = planCatchUp(daily, new Date('2026-10-31T06:30:00Z'), new Date('2026-11-01T06:45:00Z'));
    expect(plan).toEqual({ action: 'none' });
  });

  it.each([
    ['30 2 * * *', 'America/New_York'],
    ['17 3 * * *', 'Europe/Berlin'],
    ['0 0 * * *', 'America/Santiago'],
    ['30 1 * * *', 'Australia/Lord_Howe'],
  ])('%s in %s runs exactly once every local day of 2026', (expression, timeZone) => {
    const schedule = new CronSchedule(expression, timeZone);
    const due = schedule.dueTimesBetween(new Date('2026-01-01T12:00:00Z'), new Date('2026-12-31T12:00:00Z'));
    const days = due.map((instant) => localDate(instant, timeZone));
    expect(new Set(days).size).toBe(days.length);
    expect(days.length).toBeGreaterThanOrEqual(364);
  });

  it('an hourly job fires every real hour across both DST changes, the repeated hour twice', () => {
    const hourly = new CronSchedule('0 * * * *', 'America/New_York');
    for (const day of ['2026-03-08', '2026-11-01']) {
      const due = hourly.dueTimesBetween(new Date(`${day}T00:00:00Z`), new Date(`${day}T12:00:00Z`));
      const gaps = due.slice(1).map((instant, i) => instant.getTime() - due[i].getTime());
      expect(gaps.every((gap) => gap === 3_600_000)).toBe(true);
      expect(due).toHaveLength(12);
    }
  });
});
