import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = new Date('2026-03-02T12:00:00Z');

  it.each([
    ['7', 7_000],
    [' 120 ', 120_000],
    ['0', 0],
    ['Mon, 02 Mar 2026 12:00:30 GMT', 30_000],
    ['Mon, 02 Mar 2026 11:59:00 GMT', 0],
    ['Monday, 02-Mar-26 12:00:45 GMT', 45_000],
    ['Mon Mar  2 12:01:00 2026', 60_000],
    ['999999999', 24 * 60 * 60 * 1000],
  ])('reads %j as %d ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it.each([[undefined], [''], ['soon'], ['-5'], ['1.5']])('ignores %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });

  it('reads the first of repeated headers', () => {
    expect(parseRetryAfter(['3', '9'], now)).toBe(3_000);
  });
});
