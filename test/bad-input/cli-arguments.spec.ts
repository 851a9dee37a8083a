import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, summaryOf, type CommandResult } from '../utils/run-command';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

// A file the shell would create if it ever interpreted an argument.
const PWNED = join(tmpdir(), `bad-input-pwned-${randomUUID()}`);

const BAD_ARGUMENTS: ReadonlyArray<readonly [string, string[]]> = [
  ['no argument', []],
  ['an unknown name', ['nope']],
  ['a name with different case', ['TEMPERATURE_DECAY']],
  ['a name with a leading space', [' temperature_decay']],
  ['a name with a trailing newline', ['temperature_decay\n']],
  ['a valid name plus an extra argument', ['temperature_decay', 'extra']],
  ['two valid names', ['temperature_decay', 'daily_report']],
  ['--help', ['--help']],
  ['a short flag', ['-x']],
  ['a flag with the name', ['--name=temperature_decay']],
  ['--list with an extra argument', ['--list', 'temperature_decay']],
  ['--pause without a name', ['--pause']],
  ['--pause with an unknown name', ['--pause', 'nope']],
  ['--resume with two names', ['--resume', 'temperature_decay', 'daily_report']],
  ['--pause as the name of --resume', ['--resume', '--pause']],
  ['an empty string', ['']],
  ['a 10 KB argument', ['x'.repeat(10 * 1024)]],
  ['a path', ['../../etc/passwd']],
  ['an object property name', ['constructor']],
  ['__proto__', ['__proto__']],
  ['a semicolon', [`temperature_decay; touch ${PWNED}`]],
  ['a command substitution', [`$(touch ${PWNED})`]],
  ['backticks', [`\`touch ${PWNED}\``]],
  ['&&', [`temperature_decay && touch ${PWNED}`]],
  ['a pipe and a redirect', [`| touch ${PWNED} > ${PWNED}`]],
  ['unicode', ['temperature_decay\u200b', '🚀']],
];

// `npm run job` with arguments an operator might mistype, or an attacker might try: exit 2 with the
// valid names, and nothing run.
describe('npm run job with bad arguments', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('bad_input_cli');
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('bad_input_cli'),
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    rmSync(PWNED, { force: true });
    await db.drop();
  });

  it('exits 2 listing the valid names, runs nothing and never lets the shell see an argument', async () => {
    const results: Array<{ name: string; result: CommandResult }> = [];
    // a few at a time: each one boots the application context
    for (let i = 0; i < BAD_ARGUMENTS.length; i += 6)
      results.push(
        ...(await Promise.all(
          BAD_ARGUMENTS.slice(i, i + 6).map(async ([name, args]) => ({
            name,
            result: await runCommand('npm', ['run', '--silent', 'job', '--', ...args], env),
          })),
        )),
      );

    for (const { name, result } of results) {
      expect({ name, code: result.code }).toEqual({ name, code: 2 });
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      const summary = summaryOf(result);
      expect(summary.valid_names).toEqual(expect.arrayContaining(['temperature_decay', 'process_queue']));
      expect(String(summary.error)).toMatch(/usage: npm run job -- <name> \| --list/);
      expect(String(summary.error).length).toBeLessThan(200);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const { rows } = await db.sql.query(`SELECT count(*)::int AS n FROM job_executions`);
    expect(rows[0].n).toBe(0);
    const paused = await db.sql.query(`SELECT count(*)::int AS n FROM jobs_agendados WHERE pausado`);
    expect(paused.rows[0].n).toBe(0);
    expect(existsSync(PWNED)).toBe(false);
  }, 120_000);
});
