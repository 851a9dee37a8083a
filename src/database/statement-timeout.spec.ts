import { statementTimeoutMs } from './statement-timeout';

describe('statementTimeoutMs', () => {
  it('outlasts JOB_TIMEOUT by a margin, so the runner records `timeout` before the server cancels', () => {
    expect(statementTimeoutMs(300_000)).toBe(302_000);
    expect(statementTimeoutMs(1_000)).toBe(3_000);
  });
});
