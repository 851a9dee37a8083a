import { parseBusinessHours } from '../config/business-hours';
import { parseConfig } from '../config/load-config';
import { BusinessHoursCalendar } from './business-hours-calendar';

const SP = 'America/Sao_Paulo';
const NY = 'America/New_York';
const at = (text: string) => new Date(text);
const calendar = (hours: string, timeZone = SP) =>
  new BusinessHoursCalendar(parseBusinessHours(hours), timeZone);

describe('BusinessHoursCalendar with the default mon-fri 08:00-20:00 in São Paulo', () => {
  const defaults = BusinessHoursCalendar.fromConfig(parseConfig({}));

  it('is open on a weekday inside the hours, in local time', () => {
    expect(defaults.isOpen(at('2026-03-10T11:00:00-03:00'))).toBe(true); // Tuesday 11:00
    expect(defaults.isOpen(at('2026-03-10T08:00:00-03:00'))).toBe(true); // start inclusive
    expect(defaults.isOpen(at('2026-03-10T19:59:59-03:00'))).toBe(true);
  });

  it('is closed at the end (exclusive), before the start, and at the weekend', () => {
    expect(defaults.isOpen(at('2026-03-10T20:00:00-03:00'))).toBe(false);
    expect(defaults.isOpen(at('2026-03-10T07:59:59-03:00'))).toBe(false);
    expect(defaults.isOpen(at('2026-03-14T11:00:00-03:00'))).toBe(false); // Saturday
    expect(defaults.isOpen(at('2026-03-15T11:00:00-03:00'))).toBe(false); // Sunday
  });

  it('reads the hours and the day on the local clock, not in UTC', () => {
    expect(defaults.isOpen(at('2026-03-13T22:30:00Z'))).toBe(true); // Friday 19:30 local
    expect(defaults.isOpen(at('2026-03-16T00:30:00Z'))).toBe(false); // Sunday 21:30 local, Monday in UTC
    expect(defaults.isOpen(at('2026-03-16T10:30:00Z'))).toBe(false); // Monday 07:30 local
  });

  it('gives the instant itself as the next opening when open', () => {
    const now = at('2026-03-10T11:00:00-03:00');
    expect(defaults.nextOpening(now)).toEqual(now);
  });

  it('opens on Monday 08:00 after Friday 20:00', () => {
    expect(defaults.nextOpening(at('2026-03-13T20:00:00-03:00'))).toEqual(at('2026-03-16T08:00:00-03:00'));
    expect(defaults.nextOpening(at('2026-03-15T23:59:00-03:00'))).toEqual(at('2026-03-16T08:00:00-03:00'));
  });

  it('opens later the same day before the start, and the next day after the end', () => {
    expect(defaults.nextOpening(at('2026-03-10T06:15:00-03:00'))).toEqual(at('2026-03-10T08:00:00-03:00'));
    expect(defaults.nextOpening(at('2026-03-10T22:00:00-03:00'))).toEqual(at('2026-03-11T08:00:00-03:00'));
  });
});

describe('BusinessHoursCalendar with several ranges', () => {
  const hours = calendar('mon-fri,sun 09:00-18:00');

  it('is open on Sunday and closed on Saturday', () => {
    expect(hours.isOpen(at('2026-03-15T10:00:00-03:00'))).toBe(true); // Sunday
    expect(hours.isOpen(at('2026-03-14T10:00:00-03:00'))).toBe(false); // Saturday
  });

  it('opens on Sunday 09:00 after Friday evening', () => {
    expect(hours.nextOpening(at('2026-03-13T18:00:00-03:00'))).toEqual(at('2026-03-15T09:00:00-03:00'));
  });

  it('finds a single weekly day a week later', () => {
    const wednesdays = calendar('wed 10:00-11:00');
    expect(wednesdays.nextOpening(at('2026-03-11T11:00:00-03:00'))).toEqual(at('2026-03-18T10:00:00-03:00'));
  });

  it('allows a day that closes at 24:00', () => {
    const lateDays = calendar('sat 20:00-24:00');
    expect(lateDays.isOpen(at('2026-03-14T23:59:00-03:00'))).toBe(true);
    expect(lateDays.isOpen(at('2026-03-15T00:00:00-03:00'))).toBe(false);
  });
});

describe('BusinessHoursCalendar in New York around DST', () => {
  it('opens at 08:00 local on the spring-forward Monday after the Sunday change', () => {
    const hours = calendar('mon-fri 08:00-20:00', NY);
    // Friday 2026-03-06 20:00 EST → Monday 2026-03-09 08:00 EDT (12:00Z, not 13:00Z)
    expect(hours.nextOpening(at('2026-03-06T20:00:00-05:00'))).toEqual(at('2026-03-09T12:00:00Z'));
    expect(hours.isOpen(at('2026-03-09T12:00:00Z'))).toBe(true);
    expect(hours.isOpen(at('2026-03-09T11:59:00Z'))).toBe(false);
  });

  it('opens at the jump when the opening time does not exist that day', () => {
    const hours = calendar('sun 02:30-05:00', NY);
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00Z; 02:30 never happens, 03:00 is already open
    expect(hours.nextOpening(at('2026-03-08T06:00:00Z'))).toEqual(at('2026-03-08T07:00:00Z'));
    expect(hours.isOpen(at('2026-03-08T07:00:00Z'))).toBe(true);
  });

  it('counts the fall-back Sunday in local hours', () => {
    const hours = calendar('sun 08:00-09:00', NY);
    // 2026-11-01 is EST from 06:00Z: 08:00 local = 13:00Z
    expect(hours.nextOpening(at('2026-11-01T04:00:00Z'))).toEqual(at('2026-11-01T13:00:00Z'));
    expect(hours.isOpen(at('2026-11-01T13:59:00Z'))).toBe(true);
    expect(hours.isOpen(at('2026-11-01T14:00:00Z'))).toBe(false);
  });
});
