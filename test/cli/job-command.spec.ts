import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { JobNames } from '../../src/scheduler/job-names';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { runCommand, summaryOf } from '../utils/run-command';

// `npm run job -- <name>` exactly as an operator types it (CONTRACT §1), against real PostgreSQL and Redis.
describe('npm run job', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const prefix = testRedisPrefix('cli');

  beforeAll(async () => {
    db = await createTestDatabase('cli');
    env = { DATABASE_URL: db.url, REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'info' };
  });
  afterAll(async () => {
    await db.drop();
  });

  const job = (args: string[], extraEnv: Record<string, string> = {}) =>
    runCommand('npm', ['run', '--silent', 'job', '--', ...args], { ...env, ...extraEnv });

  it('runs temperature_decay once: exit 0, a JSON summary on stdout, rows changed, history written', async () => {
    await db.sql.query(
      `INSERT INTO leads (telefone, nome, temperature, last_inbound_at)
       VALUES ('5511900000001', 'Dra. Ana', 0.80, now() - interval '3 days 5 hours')`,
    );
    const result = await job(['temperature_decay']);
    expect(result.code).toBe(0);
    expect(summaryOf(result)).toMatchObject({
      job: 'temperature_decay',
      status: 'success',
      items_processed: 1,
    });
    const { rows } = await db.sql.query(`SELECT temperature::float AS t FROM leads`);
    expect(rows[0].t).toBeCloseTo(0.65);
    const history = await db.sql.query(
      `SELECT id, status, trigger FROM job_executions WHERE job_name = 'temperature_decay'`,
    );
    expect(history.rows).toEqual([{ id: expect.any(String), status: 'success', trigger: 'cli' }]);
    // logs went to stderr as JSON lines, with the run's fields (CONTRACT §8: job and execution_id, so
    // one run can be followed with grep from its start to its end)
    const run = { job: 'temperature_decay', execution_id: history.rows[0].id };
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('{'));
    const logged = (msg: string) => lines.map((line) => JSON.parse(line)).find((line) => line.msg === msg);
    expect(logged('job started')).toMatchObject({ level: 'INFO', ...run });
    expect(logged('job finished')).toMatchObject({ level: 'INFO', ...run });
  });

  it.each([
    'process_queue',
    'fila_worker',
    'grupos_worker',
    'handoff_processor',
    'pilot_mode',
    'retomada_fora_horario',
    'temperature_decay',
    'sync_briefing',
    'daily_report',
    'shift_confirmation',
    'prune_job_history',
  ])('runs %s by name and prints its one-line JSON summary', async (name) => {
    const result = await job([name]);
    expect(result.code).toBe(0);
    const summary = summaryOf(result);
    expect(summary).toMatchObject({ status: 'success' });
    expect(summary.job).toBe(name === 'fila_worker' ? 'process_queue' : name);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    if (name === 'grupos_worker') expect(summary.details).toHaveProperty('stages');
    // the queue's lines carry its worker's name (CONTRACT §8: `grep fila_worker`)
    if (name === 'fila_worker' || name === 'process_queue') {
      const started = result.stderr.split('\n').find((line) => line.includes('"job started"'));
      expect(JSON.parse(started!)).toMatchObject({ context: 'fila_worker', job: 'process_queue' });
    }
  });

  it('--list prints every job with its schedule', async () => {
    const list = await job(['--list']);
    expect(list.code).toBe(0);
    const jobs = list.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { job: string; schedule: string });
    // exactly the names JobNames declares: `npm run job` checks a name against them before booting
    expect(jobs.map((entry) => entry.job).sort()).toEqual(Object.values(JobNames).sort());
    // CONTRACT §2's default schedules, in SCHEDULER_TIMEZONE's default
    const local = (cron: string) => `${cron} (America/Sao_Paulo)`;
    expect(Object.fromEntries(jobs.map((entry) => [entry.job, entry.schedule]))).toEqual({
      process_queue: 'every 30s',
      grupos_worker: local('*/10 * * * *'),
      handoff_processor: local('*/5 * * * *'),
      pilot_mode: local('*/15 * * * *'),
      retomada_fora_horario: local('0 8 * * 1-5'),
      temperature_decay: local('0 * * * *'),
      sync_briefing: local('0 * * * *'),
      daily_report: local('0 8 * * 1-5'),
      shift_confirmation: local('*/30 * * * *'),
      prune_job_history: local('17 3 * * *'),
      check_alerts: 'every 60s',
    });
  });

  // SPEC "Scheduler": jobs are paused and resumed from the admin API and from `npm run job`
  it('--pause and --resume set the pause flag every replica reads, and --list shows it', async () => {
    const paused = await job(['--pause', 'fila_worker']);
    expect(paused.code).toBe(0);
    expect(summaryOf(paused)).toEqual({ job: 'process_queue', paused: true });
    const state = await db.sql.query(
      `SELECT pausado, pausado_por FROM jobs_agendados WHERE job_name = 'process_queue'`,
    );
    expect(state.rows).toEqual([{ pausado: true, pausado_por: expect.stringMatching(/^cli/) }]);
    const listed = (await job(['--list'])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { job: string; paused: boolean });
    expect(listed.find((entry) => entry.job === 'process_queue')!.paused).toBe(true);

    const resumed = await job(['--resume', 'process_queue']);
    expect(resumed.code).toBe(0);
    expect(summaryOf(resumed)).toEqual({ job: 'process_queue', paused: false });
    const after = await db.sql.query(`SELECT pausado FROM jobs_agendados WHERE job_name = 'process_queue'`);
    expect(after.rows).toEqual([{ pausado: false }]);
  });

  it.each([[['--pause']], [['--pause', 'nope']], [['--resume', 'temperature_decay', 'extra']]])(
    'exits 2 listing the valid names for a pause or resume of %j',
    async (args) => {
      const result = await job(args);
      expect(result.code).toBe(2);
      expect(summaryOf(result).valid_names).toEqual(expect.arrayContaining(['temperature_decay']));
      expect(String(summaryOf(result).error)).toMatch(/--pause <name>/);
    },
  );

  it.each([[['nope']], [[]], [['temperature_decay', 'extra']], [['--force']]])(
    'exits 2 listing the valid names for %j',
    async (args) => {
      const result = await job(args);
      expect(result.code).toBe(2);
      const summary = summaryOf(result);
      expect(summary.valid_names).toEqual(
        expect.arrayContaining(['temperature_decay', 'shift_confirmation']),
      );
      expect(String(summary.error)).toMatch(/usage: npm run job/);
    },
  );

  it('answers a mistyped name with exit 2 even when the database is down, and lists the worker name too', async () => {
    const result = await job(['temperature_decy'], {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere',
    });
    expect(result.code).toBe(2);
    expect(summaryOf(result)).toMatchObject({
      error: expect.stringMatching(/^unknown job "temperature_decy"/),
      valid_names: expect.arrayContaining([
        'temperature_decay',
        'process_queue',
        'fila_worker',
        'check_alerts',
      ]),
    });
  });

  it('says the lock service is unreachable, not that another replica runs the job, when Redis is down', async () => {
    const result = await job(['shift_confirmation'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(summaryOf(result)).toMatchObject({ job: 'shift_confirmation', status: 'skipped' });
    expect(String(summaryOf(result).message)).toMatch(
      /^not run: the lock store \(Redis, or PostgreSQL's job_locks without REDIS_URL\) did not answer/,
    );
  }, 30_000);

  it('exits 1 naming every bad variable when the environment is invalid', async () => {
    const result = await job(['temperature_decay'], {
      PORT: 'abc',
      JOB_TIMEOUT: '-1',
      WHATSAPP_PROVIDER: 'pigeon',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Invalid configuration \(3 variables\)/);
    for (const name of ['PORT', 'JOB_TIMEOUT', 'WHATSAPP_PROVIDER']) expect(result.stderr).toContain(name);
  });

  it('does not run a job another replica is running: waits 10 s for the lock, then exits 1', async () => {
    const redis = new Redis(testRedisUrl, { keyPrefix: prefix });
    await redis.set('lock:job:shift_confirmation', '42', 'PX', 60_000);
    try {
      const started = Date.now();
      const result = await job(['shift_confirmation']);
      expect(result.code).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
      expect(summaryOf(result)).toMatchObject({ job: 'shift_confirmation', status: 'skipped' });
      expect(String(summaryOf(result).message)).toMatch(/another replica is running shift_confirmation/);
    } finally {
      await redis.del('lock:job:shift_confirmation');
      redis.disconnect();
    }
  }, 30_000);

  it('without REDIS_URL, still waits for a run that another process holds in PostgreSQL, then exits 1', async () => {
    await db.sql.query(
      // (the runs above, with REDIS_URL, left their released leases here too)
      `INSERT INTO job_locks (resource, fencing_token, expires_at) VALUES ('job:shift_confirmation', 42, now() + interval '1 minute')
       ON CONFLICT (resource) DO UPDATE SET fencing_token = 42, expires_at = EXCLUDED.expires_at`,
    );
    try {
      const started = Date.now();
      const result = await job(['shift_confirmation'], { REDIS_URL: '' });
      expect(result.code).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
      expect(summaryOf(result)).toMatchObject({ job: 'shift_confirmation', status: 'skipped' });
      expect(String(summaryOf(result).message)).toMatch(/another replica is running shift_confirmation/);
      expect(result.stderr).toMatch(/job locks are in PostgreSQL/);
    } finally {
      await db.sql.query(`DELETE FROM job_locks`);
    }
    // and once free, runs with a lock of its own there
    const result = await job(['shift_confirmation'], { REDIS_URL: '' });
    expect(result.code).toBe(0);
    const { rows } = await db.sql.query(`SELECT resource FROM job_locks WHERE expires_at > now()`);
    expect(rows).toEqual([]);
    const released = await db.sql.query(`SELECT resource FROM job_locks`);
    expect(released.rows).toEqual([{ resource: 'job:shift_confirmation' }]);
  }, 30_000);

  it('runs on the embedded database when DATABASE_URL is unset', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'whats-workers-cli-'));
    try {
      const result = await runCommand('npm', ['run', '--silent', 'job', '--', 'shift_confirmation'], {
        EMBEDDED_DATA_DIR: dataDir,
      });
      expect(result.code).toBe(0);
      expect(summaryOf(result)).toMatchObject({ job: 'shift_confirmation', status: 'success' });
      expect(result.stderr).toMatch(/embedded database/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says in one line, without a stack trace, that the embedded database is in use by another process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'whats-workers-cli-'));
    // this test process stands for the service holding the embedded database
    writeFileSync(join(dataDir, 'pglite.lock'), String(process.pid));
    try {
      const result = await runCommand('npm', ['run', '--silent', 'job', '--', 'shift_confirmation'], {
        EMBEDDED_DATA_DIR: dataDir,
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe(
        `the embedded database is in use by process ${process.pid} (${join(dataDir, 'pglite.lock')}); ` +
          'stop it, or set DATABASE_URL so several processes can share a PostgreSQL database',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
