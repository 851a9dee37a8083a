import { instantOfLocalTime, localDayWindow, localHourWindow, localParts, offsetMs } from './local-time';

const SP = 'America/Sao_Paulo';
const NY = 'America/New_York';
const iso = (date: Date) => date.toISOString();

describe('localParts', () => {
  it('reads the wall clock and weekday of the zone, not of UTC', () => {
    // 2026-03-10 02:30 UTC is Monday 23:30 in São Paulo (UTC-3)
    expect(localParts(new Date('2026-03-10T02:30:45Z'), SP)).toEqual({
      year: 2026,
      month: 3,
      day: 9,
      hour: 23,
      minute: 30,
      second: 45,
      weekday: 1,
    });
  });

  it('gives hour 0 at midnight, never 24', () => {
    expect(localParts(new Date('2026-03-10T03:00:00Z'), SP).hour).toBe(0);
  });
});

describe('offsetMs', () => {
  it('follows New York across its DST switch', () => {
    expect(offsetMs(new Date('2026-03-08T06:59:00Z'), NY)).toBe(-5 * 3_600_000);
    expect(offsetMs(new Date('2026-03-08T07:00:00Z'), NY)).toBe(-4 * 3_600_000);
    expect(offsetMs(new Date('2026-06-01T12:00:00Z'), SP)).toBe(-3 * 3_600_000);
  });
});

describe('instantOfLocalTime', () => {
  it('converts a wall time to its instant', () => {
    expect(iso(instantOfLocalTime(SP, 2026, 3, 10, 8 * 60))).toBe('2026-03-10T11:00:00.000Z');
  });

  it('rolls minute 1440 and day 32 over to the next day', () => {
    expect(iso(instantOfLocalTime(SP, 2026, 3, 31, 1440))).toBe('2026-04-01T03:00:00.000Z');
    expect(iso(instantOfLocalTime(SP, 2026, 12, 32, 0))).toBe('2027-01-01T03:00:00.000Z');
  });

  it('resolves a time skipped by spring-forward to the moment the clocks jumped', () => {
    // New York 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00 UTC
    expect(iso(instantOfLocalTime(NY, 2026, 3, 8, 2 * 60))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(instantOfLocalTime(NY, 2026, 3, 8, 2 * 60 + 30))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(instantOfLocalTime(NY, 2026, 3, 8, 3 * 60))).toBe('2026-03-08T07:00:00.000Z');
  });

  it('resolves a time repeated by fall-back to its first occurrence', () => {
    // New York 2026-11-01: 01:00-02:00 happens in EDT (05:00Z) and again in EST (06:00Z)
    expect(iso(instantOfLocalTime(NY, 2026, 11, 1, 60 + 30))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(instantOfLocalTime(NY, 2026, 11, 1, 2 * 60))).toBe('2026-11-01T07:00:00.000Z');
  });

  it('handles a zone whose DST started at midnight (São Paulo, 2018-11-04)', () => {
    // 00:00 did not exist that day: the local day began at 01:00 BRST = 03:00 UTC
    expect(iso(instantOfLocalTime(SP, 2018, 11, 4, 0))).toBe('2018-11-04T03:00:00.000Z');
  });
});

describe('localHourWindow', () => {
  it('spans the local clock hour', () => {
    const window = localHourWindow(new Date('2026-03-10T14:25:10Z'), SP); // 11:25 local
    expect([iso(window.start), iso(window.end), window.label]).toEqual([
      '2026-03-10T14:00:00.000Z',
      '2026-03-10T15:00:00.000Z',
      '2026031011',
    ]);
  });

  it('follows the local hour in a half-hour zone, not the UTC hour', () => {
    const window = localHourWindow(new Date('2026-03-10T14:25:00Z'), 'Asia/Kolkata'); // 19:55 local
    expect([iso(window.start), iso(window.end), window.label]).toEqual([
      '2026-03-10T13:30:00.000Z',
      '2026-03-10T14:30:00.000Z',
      '2026031019',
    ]);
  });

  it('ends the last local hour at the next local midnight', () => {
    const window = localHourWindow(new Date('2026-03-10T02:59:00Z'), SP); // 23:59 local
    expect([iso(window.end), window.label]).toEqual(['2026-03-10T03:00:00.000Z', '2026030923']);
  });

  it('is shortened by spring-forward: 01:xx EST ends at 03:00 EDT', () => {
    const window = localHourWindow(new Date('2026-03-08T06:30:00Z'), NY);
    expect([iso(window.start), iso(window.end)]).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T07:00:00.000Z',
    ]);
    expect(localHourWindow(new Date('2026-03-08T07:10:00Z'), NY).label).toBe('2026030803');
  });

  it('makes the repeated fall-back hour one window with one label', () => {
    const first = localHourWindow(new Date('2026-11-01T05:30:00Z'), NY); // 01:30 EDT
    const second = localHourWindow(new Date('2026-11-01T06:30:00Z'), NY); // 01:30 EST
    expect(second).toEqual(first);
    expect([iso(first.start), iso(first.end), first.label]).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T07:00:00.000Z',
      '2026110101',
    ]);
  });
});

describe('localDayWindow', () => {
  it('spans local midnight to local midnight', () => {
    const window = localDayWindow(new Date('2026-03-10T02:30:00Z'), SP); // Monday 23:30 local
    expect([iso(window.start), iso(window.end), window.label]).toEqual([
      '2026-03-09T03:00:00.000Z',
      '2026-03-10T03:00:00.000Z',
      '20260309',
    ]);
  });

  it('is 23 h on the spring-forward day and 25 h on the fall-back day', () => {
    const spring = localDayWindow(new Date('2026-03-08T12:00:00Z'), NY);
    const fall = localDayWindow(new Date('2026-11-01T12:00:00Z'), NY);
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3_600_000);
    expect(fall.end.getTime() - fall.start.getTime()).toBe(25 * 3_600_000);
    expect(iso(spring.start)).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(fall.end)).toBe('2026-11-02T05:00:00.000Z');
  });

  it('crosses the year', () => {
    const window = localDayWindow(new Date('2026-12-31T12:00:00Z'), SP);
    expect([iso(window.end), window.label]).toEqual(['2027-01-01T03:00:00.000Z', '20261231']);
  });
});
