import { SystemClock } from '../common/clock';
import { JobLogger } from './job-logger';
import type { JobContext } from './job.types';
import { earlyStopDetails, wrapUpSignal } from './job-wrap-up';

function contextWith(signal: AbortController, stopping: AbortController): JobContext {
  return {
    jobName: 'test_job',
    executionId: 'exec',
    trigger: 'manual',
    signal: signal.signal,
    stopping: stopping.signal,
    logger: new JobLogger('test_job', 'exec'),
    clock: new SystemClock(),
  };
}

describe('a job told to wrap up', () => {
  it.each(['signal', 'stopping'] as const)('stops starting units once %s fires', (which) => {
    const signal = new AbortController();
    const stopping = new AbortController();
    const wrapUp = wrapUpSignal(contextWith(signal, stopping));
    expect(wrapUp.aborted).toBe(false);
    (which === 'signal' ? signal : stopping).abort();
    expect(wrapUp.aborted).toBe(true);
  });

  it('says why it stopped: the deadline wins over shutdown, nothing when it was not told', () => {
    const signal = new AbortController();
    const stopping = new AbortController();
    const context = contextWith(signal, stopping);
    expect(earlyStopDetails(context)).toEqual({});
    stopping.abort();
    expect(earlyStopDetails(context)).toEqual({ stopped_for_shutdown: true });
    signal.abort();
    expect(earlyStopDetails(context)).toEqual({ aborted: true });
  });
});
