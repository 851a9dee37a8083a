import { projectRoot, runCommand } from '../utils/run-command';

// jest gives each test file its own copy of process.env, so TZ can only be changed in another process
describe('a Retry-After date read by a process outside UTC (SCHEDULER_TIMEZONE set as TZ)', () => {
  it.each([
    ['Mon, 02 Mar 2026 12:00:30 GMT', 30_000],
    // asctime, an HTTP-date with no zone: still GMT, not the process's local time (2 h off here)
    ['Mon Mar  2 12:00:30 2026', 30_000],
  ])('reads %j as %d ms', async (header, expected) => {
    const script = `
      const { parseRetryAfter } = require(${JSON.stringify(`${projectRoot}/dist/whatsapp/retry-after.js`)});
      process.stdout.write(String(parseRetryAfter(${JSON.stringify(header)}, new Date('2026-03-02T12:00:00Z'))));`;
    const result = await runCommand(process.execPath, ['-e', script], { TZ: 'America/Sao_Paulo' });
    expect(result.stderr).toBe('');
    expect(Number(result.stdout)).toBe(expected);
  });
});
