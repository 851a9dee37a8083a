import { jobLogFields, outsideRun, runWithJobLogFields } from './job-log-context';

describe('job log context', () => {
  const run = { job: 'process_queue', execution_id: 'e-1' };

  it('gives the fields of the run, across awaits, and none outside it', async () => {
    await runWithJobLogFields(run, async () => {
      await Promise.resolve();
      expect(jobLogFields()).toEqual(run);
    });
    expect(jobLogFields()).toEqual({});
  });

  it('gives none to what runs outside the run it was started in (a pooled connection’s later error)', () => {
    runWithJobLogFields(run, () => outsideRun(() => expect(jobLogFields()).toEqual({})));
  });
});
