import { localDate } from './local-time';
import { localWeekStart } from './local-week';

const SP = 'America/Sao_Paulo';

describe('localDate', () => {
  it('is the calendar date in the given timezone, not in UTC', () => {
    expect(localDate(new Date('2026-03-10T02:30:00Z'), SP)).toBe('2026-03-09');
    expect(localDate(new Date('2026-03-10T03:00:00Z'), SP)).toBe('2026-03-10');
    expect(localDate(new Date('2026-03-10T02:30:00Z'), 'UTC')).toBe('2026-03-10');
  });
});

describe('localWeekStart', () => {
  it('is the same day on a Monday', () => {
    expect(localWeekStart(new Date('2026-03-09T03:00:00Z'), SP)).toBe('2026-03-09'); // Mon 00:00 local
    expect(localWeekStart(new Date('2026-03-10T02:59:59Z'), SP)).toBe('2026-03-09'); // Mon 23:59 local
  });

  it('is the previous Monday for the rest of the week, Sunday included', () => {
    expect(localWeekStart(new Date('2026-03-10T12:00:00Z'), SP)).toBe('2026-03-09'); // Tuesday
    expect(localWeekStart(new Date('2026-03-15T12:00:00Z'), SP)).toBe('2026-03-09'); // Sunday
  });

  it('does not start the week on Sunday night local although it is Monday in UTC', () => {
    expect(localWeekStart(new Date('2026-03-16T02:30:00Z'), SP)).toBe('2026-03-09'); // Sun 23:30 local
    expect(localWeekStart(new Date('2026-03-16T02:30:00Z'), 'UTC')).toBe('2026-03-16');
  });

  it('crosses month and year boundaries', () => {
    expect(localWeekStart(new Date('2026-01-01T12:00:00Z'), SP)).toBe('2025-12-29'); // Thursday
    expect(localWeekStart(new Date('2026-03-01T12:00:00Z'), SP)).toBe('2026-02-23'); // Sunday
  });

  it('holds across a DST change (America/New_York, 2026-03-08)', () => {
    expect(localWeekStart(new Date('2026-03-08T12:00:00Z'), 'America/New_York')).toBe('2026-03-02');
    expect(localWeekStart(new Date('2026-03-09T04:00:00Z'), 'America/New_York')).toBe('2026-03-09');
  });
});
