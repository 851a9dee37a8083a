import { configProblemsOf } from '../../test/utils/config-problems';
import { parseConfig } from './load-config';

describe('retry backoff, circuit and provider timeout settings', () => {
  it('default to the SPEC values: retries after 2, 4, 8 min; circuit open 5 min up to 30 min; 10 s per request', () => {
    const config = parseConfig({});
    expect(config.RETRY_BACKOFF_SECONDS).toEqual([120, 240, 480]);
    expect(config.retryBackoffMs).toEqual([120_000, 240_000, 480_000]);
    expect(config.circuitOpenMs).toBe(5 * 60_000);
    expect(config.circuitMaxOpenMs).toBe(30 * 60_000);
    expect(config.providerTimeoutMs).toBe(10_000);
  });

  it('reads short values, as a test or an impatient operator sets them', () => {
    const config = parseConfig({
      RETRY_BACKOFF_SECONDS: ' 2, 4 ,8 ',
      CIRCUIT_OPEN_SECONDS: '5',
      CIRCUIT_MAX_OPEN_SECONDS: '20',
      PROVIDER_TIMEOUT_SECONDS: '2',
    });
    expect(config.retryBackoffMs).toEqual([2000, 4000, 8000]);
    expect(config.circuitOpenMs).toBe(5000);
    expect(config.circuitMaxOpenMs).toBe(20_000);
    expect(config.providerTimeoutMs).toBe(2000);
  });

  it('accepts a single backoff, used for every retry, and treats an empty value as unset', () => {
    expect(parseConfig({ RETRY_BACKOFF_SECONDS: '30' }).RETRY_BACKOFF_SECONDS).toEqual([30]);
    expect(parseConfig({ RETRY_BACKOFF_SECONDS: '' }).RETRY_BACKOFF_SECONDS).toEqual([120, 240, 480]);
  });

  it.each([['2,,8'], ['2;4;8'], ['two'], ['0,4'], ['-2,4'], ['1.5'], ['86401'], ['1,2,3,4,5,6,7,8,9,10,11']])(
    'names RETRY_BACKOFF_SECONDS=%j as bad',
    (value) => {
      expect(configProblemsOf({ RETRY_BACKOFF_SECONDS: value })).toEqual({
        RETRY_BACKOFF_SECONDS: expect.stringMatching(/comma-separated whole seconds/),
      });
    },
  );

  it('names every bad variable in one error', () => {
    const problems = configProblemsOf({
      RETRY_BACKOFF_SECONDS: 'soon',
      CIRCUIT_OPEN_SECONDS: '0',
      CIRCUIT_MAX_OPEN_SECONDS: 'forever',
      PROVIDER_TIMEOUT_SECONDS: '61',
    });
    expect(Object.keys(problems).sort()).toEqual([
      'CIRCUIT_MAX_OPEN_SECONDS',
      'CIRCUIT_OPEN_SECONDS',
      'PROVIDER_TIMEOUT_SECONDS',
      'RETRY_BACKOFF_SECONDS',
    ]);
    expect(problems.PROVIDER_TIMEOUT_SECONDS).toMatch(/at most 60/);
  });

  it('rejects a longest open period shorter than the first one', () => {
    expect(configProblemsOf({ CIRCUIT_OPEN_SECONDS: '60', CIRCUIT_MAX_OPEN_SECONDS: '30' })).toEqual({
      CIRCUIT_MAX_OPEN_SECONDS: 'must not be lower than CIRCUIT_OPEN_SECONDS',
    });
    // 30 min first, 30 min at most: the open period never grows, which is allowed
    expect(
      parseConfig({ CIRCUIT_OPEN_SECONDS: '1800', CIRCUIT_MAX_OPEN_SECONDS: '1800' }).circuitMaxOpenMs,
    ).toBe(1_800_000);
  });
});
