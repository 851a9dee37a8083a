import { runCommand } from '../utils/run-command';

// The most common start-up failure an operator meets: DATABASE_URL points at a server that is down, or
// at a wrong host or port. It is the operator's to fix, so both entry points say so in one line, without
// a stack trace of Nest internals (src/common/operator-error.ts).

const UNREACHABLE = 'postgresql://nobody@127.0.0.1:1/none';

describe('start-up with DATABASE_URL pointing at nothing', () => {
  it('node dist/main exits 1 saying the database cannot be reached, in one line without a stack trace', async () => {
    const result = await runCommand(process.execPath, ['dist/main'], { DATABASE_URL: UNREACHABLE });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the database at 127\.0\.0\.1:1\/none/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('npm run job exits 1 saying the database cannot be reached, in one line without a stack trace', async () => {
    const result = await runCommand('npm', ['run', '--silent', 'job', '--', 'shift_confirmation'], {
      DATABASE_URL: UNREACHABLE,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the database at 127\.0\.0\.1:1\/none/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
