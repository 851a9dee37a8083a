import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, runCommand, type CommandResult } from '../utils/run-command';

const MARK = `Sx${randomUUID().replace(/-/g, '')}`;

// Secrets with values that are wrong (too long, wrong scheme): named, never echoed.
const BAD_SECRETS = {
  ADMIN_TOKEN: `${MARK}${'a'.repeat(2000)}`,
  EVOLUTION_API_KEY: `${MARK}${'k'.repeat(2000)}`,
  META_ACCESS_TOKEN: `${MARK}${'t'.repeat(5000)}`,
  DATABASE_URL: `mysql://user:${MARK}@127.0.0.1:3306/db`,
  SLACK_WEBHOOK_URL: `ftp://hooks.slack.com/services/${MARK}`,
};

function expectConfigurationExit(result: CommandResult, variables: readonly string[]): void {
  expect({ code: result.code, signal: result.signal }).toEqual({ code: 1, signal: null });
  expect(result.stderr).toMatch(/Invalid configuration/);
  for (const variable of variables) expect(result.stderr).toContain(`${variable} `);
  expect(`${result.stdout}${result.stderr}`).not.toContain(MARK);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

// The entry points as operators start them, with a bad environment: exit 1 before anything starts, one
// message naming every bad variable, no secret value, no stack trace.
describe('start-up with a bad environment', () => {
  it('npm run job -- --list names every bad variable and echoes no secret', async () => {
    const env = { PORT: 'eighty', WORKER_CONCURRENCY: '-1', JOB_TIMEOUT: '1.5', ...BAD_SECRETS };
    const result = await runCommand('npm', ['run', '--silent', 'job', '--', '--list'], env);
    expectConfigurationExit(result, Object.keys(env));
    expect(result.stdout).toBe('');
  });

  it.each([
    ['a word', { PORT: 'eighty' }],
    ['a negative number', { PORT: '-1' }],
    ['a float', { PORT: '80.5' }],
    ['beyond 65535', { PORT: '99999' }],
    ['a 100 KB value', { PORT: '9'.repeat(102_400) }],
    ['unicode digits', { PORT: '８０８０' }],
  ])('node dist/main with PORT as %s exits 1 naming PORT', async (_, env) => {
    expectConfigurationExit(await runCommand(process.execPath, ['dist/main'], env), ['PORT']);
  });

  it('node dist/main names every bad variable at once, secrets included', async () => {
    const env = {
      PORT: '0',
      WHATSAPP_PROVIDER: 'telegram',
      BUSINESS_HOURS: 'fri-mon 08:00-20:00',
      SCHEDULER_TIMEZONE: 'Mars/Olympus',
      ...BAD_SECRETS,
    };
    expectConfigurationExit(await runCommand(process.execPath, ['dist/main'], env), Object.keys(env));
  });

  it('node dist/main also logs the failure as one JSON ERROR line on stdout, naming every bad variable, no secret', async () => {
    const env = { PORT: 'eighty', OUTBOUND_ALLOWLIST: 'ramal 12', ...BAD_SECRETS };
    const result = await runCommand(process.execPath, ['dist/main'], env);
    expectConfigurationExit(result, ['PORT', 'OUTBOUND_ALLOWLIST', ...Object.keys(BAD_SECRETS)]);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'ERROR', msg: 'start-up failed', context: 'main' });
    expect(line.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(line.error).toEqual(expect.stringContaining('Invalid configuration'));
    for (const variable of ['PORT', 'OUTBOUND_ALLOWLIST', ...Object.keys(BAD_SECRETS)])
      expect(line.error).toContain(`${variable} `);
  });

  it('node dist/main with an unusable JOB_SCHEDULE_OVERRIDES exits 1 naming it, before connecting anywhere', async () => {
    const result = await runCommand(process.execPath, ['dist/main'], {
      JOB_SCHEDULE_OVERRIDES: 'temperature_decay=every monday',
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
    });
    expectConfigurationExit(result, ['JOB_SCHEDULE_OVERRIDES']);
    expect(result.stderr).not.toMatch(/cannot reach the database/);
  });

  it('a job name misspelt in JOB_SCHEDULE_OVERRIDES is named with the other bad variables, before connecting anywhere', async () => {
    for (const [command, args] of [
      [process.execPath, ['dist/main']],
      ['npm', ['run', '--silent', 'job', '--', 'temperature_decay']],
    ] as const) {
      const result = await runCommand(command, [...args], {
        PORT: 'eighty',
        JOB_SCHEDULE_OVERRIDES: 'temperature_dcay=60s;fila_worker=5s',
        DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
      });
      expectConfigurationExit(result, ['PORT', 'JOB_SCHEDULE_OVERRIDES']);
      expect(result.stderr).toMatch(
        /JOB_SCHEDULE_OVERRIDES names unknown job\(s\) temperature_dcay; valid names: .*temperature_decay/,
      );
      expect(result.stderr).not.toMatch(/fila_worker;|unknown job\(s\) [^;]*fila_worker/);
      expect(result.stderr).not.toMatch(/cannot reach the database/);
    }
  });

  it('reads .env as README says: an unquoted # starts a comment, even inside a secret; quoted it is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    const main = join(projectRoot, 'dist/main');
    try {
      // 20 characters before .env parsing; unquoted, only the 7 before the # are left
      writeFileSync(join(dir, '.env'), 'PORT=eighty\nADMIN_TOKEN=0123456#89abcdefghij\n');
      expectConfigurationExit(await runCommand(process.execPath, [main], {}, 60_000, dir), [
        'PORT',
        'ADMIN_TOKEN',
      ]);
      writeFileSync(join(dir, '.env'), "PORT=eighty\nADMIN_TOKEN='0123456#89abcdefghij'\n");
      const quoted = await runCommand(process.execPath, [main], {}, 60_000, dir);
      expectConfigurationExit(quoted, ['PORT']);
      expect(quoted.stderr).not.toMatch(/ADMIN_TOKEN/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
