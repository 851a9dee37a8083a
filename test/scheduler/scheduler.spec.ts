import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockService } from '../../src/redis/lock.service';
import { JobControlService } from '../../src/scheduler/job-control.service';
import { JobRegistry } from '../../src/scheduler/job-registry';
import { JOB_LOCK_LEASE_MS, JobRunner } from '../../src/scheduler/job-runner';
import { JobScheduler } from '../../src/scheduler/job-scheduler';
import { JobStateRepository } from '../../src/scheduler/job-state.repository';
import { OrphanReaper } from '../../src/scheduler/orphan-reaper';
import { FilaModule } from '../../src/workers/fila/fila.module';
import { FakeClock } from '../utils/fake-clock';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { Gate, TestJobs, TestJobsModule } from './test-jobs';

describe('scheduler (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  const contexts: INestApplicationContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('scheduler');
  });
  afterEach(async () => {
    for (const context of contexts) context.get(TestJobs).gate.open();
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    // the Redis prefix is per test, the job_locks leases behind it are not
    await db.sql.query('TRUNCATE job_executions, jobs_agendados, job_locks');
  });
  afterAll(async () => {
    await db.drop();
  });

  /** one replica: its own Nest context on the shared database and Redis prefix */
  async function replica(env: Record<string, string> = {}, clock?: FakeClock, leaseMs?: number) {
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: sharedPrefix,
      ...env,
    });
    const overrides = leaseMs ? [{ provide: JOB_LOCK_LEASE_MS, useValue: leaseMs }] : [];
    const context = await createSchedulerContext(config, [TestJobsModule], clock, overrides);
    contexts.push(context);
    return {
      context,
      jobs: context.get(TestJobs),
      runner: context.get(JobRunner),
      scheduler: context.get(JobScheduler),
      control: context.get(JobControlService),
      job: (name: string) => context.get(JobRegistry).get(name),
    };
  }
  let sharedPrefix: string;
  beforeEach(() => {
    sharedPrefix = testRedisPrefix('scheduler');
  });

  async function executions(job?: string) {
    const { rows } = await db.sql.query(
      `SELECT job_name, status, trigger, due_at, error, items_processed, duration_ms, finished_at
         FROM job_executions ${job ? 'WHERE job_name = $1' : ''} ORDER BY started_at`,
      job ? [job] : [],
    );
    return rows;
  }

  it('two replicas running the same job at once: exactly one runs, the other records skipped', async () => {
    const a = await replica();
    const b = await replica();
    const first = a.runner.run('test_gated', { trigger: 'manual' });
    await waitFor(() => a.jobs.countOf('test_gated') === 1);
    const second = await b.runner.run('test_gated', { trigger: 'manual' });
    expect(second.status).toBe('skipped');
    a.jobs.gate.open();
    expect((await first).status).toBe('success');
    expect(a.jobs.countOf('test_gated') + b.jobs.countOf('test_gated')).toBe(1);
    expect((await executions('test_gated')).map((row) => row.status).sort()).toEqual(['skipped', 'success']);
  });

  it('the same due tick on two replicas runs once and leaves one row', async () => {
    const a = await replica();
    const b = await replica();
    await a.scheduler.start();
    await b.scheduler.start();
    a.scheduler.stop();
    b.scheduler.stop();
    const dueAt = a.job('test_hourly').schedule.nextAfter(new Date());
    await Promise.all([
      a.scheduler.runDueTick(a.job('test_hourly'), dueAt),
      b.scheduler.runDueTick(b.job('test_hourly'), dueAt),
    ]);
    expect(a.jobs.countOf('test_hourly') + b.jobs.countOf('test_hourly')).toBe(1);
    const rows = await executions('test_hourly');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'success', trigger: 'schedule', items_processed: 1 });
    expect(rows[0].due_at.toISOString()).toBe(dueAt.toISOString());
  });

  it('replicas firing the same ticks at once run every one of them, none marked skipped', async () => {
    const replicas = [await replica(), await replica(), await replica()];
    await Promise.all(replicas.map((r) => r.scheduler.start()));
    replicas.forEach((r) => r.scheduler.stop());
    const first = replicas[0].job('test_hourly').schedule.nextAfter(new Date());
    for (let tick = 0; tick < 15; tick++) {
      const dueAt = new Date(first.getTime() + tick * 3_600_000);
      await Promise.all(replicas.map((r) => r.scheduler.runDueTick(r.job('test_hourly'), dueAt)));
    }
    const rows = await executions('test_hourly');
    expect(rows).toHaveLength(15);
    expect(rows.filter((row) => row.status !== 'success')).toEqual([]);
    expect(replicas.reduce((sum, r) => sum + r.jobs.countOf('test_hourly'), 0)).toBe(15);
  });

  it('a tick that finds its job still running is recorded as skipped, never queued behind it', async () => {
    const a = await replica();
    await a.scheduler.start();
    a.scheduler.stop();
    const running = a.scheduler.runDueTick(a.job('test_gated'), new Date('2026-03-02T13:00:00Z'));
    await waitFor(() => a.jobs.countOf('test_gated') === 1);
    await a.scheduler.runDueTick(a.job('test_gated'), new Date('2026-03-02T14:00:00Z'));
    expect((await executions('test_gated')).map((row) => row.status)).toEqual(['running', 'skipped']);
    a.jobs.gate.open();
    await running;
    expect((await executions('test_gated')).map((row) => row.status)).toEqual(['success', 'skipped']);
  });

  it('a job that outlives JOB_TIMEOUT is aborted and recorded as timeout', async () => {
    const a = await replica({ JOB_TIMEOUT: '1' });
    const started = Date.now();
    const outcome = await a.runner.run('test_gated', { trigger: 'manual' });
    expect(outcome.status).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
    const [row] = await executions('test_gated');
    expect(row.status).toBe('timeout');
    expect(row.error).toMatch(/JOB_TIMEOUT/);
    expect(row.finished_at).not.toBeNull();
  });

  it('a job that ignores its abort signal is recorded at the deadline and keeps its lock until it ends', async () => {
    const a = await replica({ JOB_TIMEOUT: '1' });
    const outcome = await a.runner.run('test_stubborn', { trigger: 'manual' });
    expect(outcome.status).toBe('timeout');
    // still running in the background: a second run must not start beside it
    expect((await a.runner.run('test_stubborn', { trigger: 'manual' })).status).toBe('skipped');
    a.jobs.gate.open();
    await a.runner.drain(2_000);
    expect((await a.runner.run('test_stubborn', { trigger: 'manual' })).status).toBe('success');
    expect(a.jobs.countOf('test_stubborn')).toBe(2);
  });

  it('holds its lock as a lease renewed while the job runs, longer than one lease', async () => {
    const a = await replica({}, undefined, 600);
    const b = await replica({}, undefined, 600);
    const run = a.runner.run('test_gated', { trigger: 'manual' });
    await waitFor(() => a.jobs.countOf('test_gated') === 1);
    await sleep(1_500); // two and a half leases
    expect((await b.runner.run('test_gated', { trigger: 'manual' })).status).toBe('skipped');
    a.jobs.gate.open();
    expect((await run).status).toBe('success');
    // released at the end: the next run goes ahead at once
    b.jobs.gate.open();
    expect((await b.runner.run('test_gated', { trigger: 'manual' })).status).toBe('success');
  });

  it('aborts a run whose lock was taken over instead of letting two replicas run it', async () => {
    const a = await replica({}, undefined, 600);
    const run = a.runner.run('test_gated', { trigger: 'manual' });
    await waitFor(() => a.jobs.countOf('test_gated') === 1);
    const redis = new Redis(testRedisUrl, { keyPrefix: sharedPrefix });
    try {
      await redis.set('lock:job:test_gated', '1', 'PX', 60_000); // someone else's token now
      const outcome = await run;
      expect(outcome.status).toBe('error');
      expect(outcome.error).toMatch(/lock was taken over/);
    } finally {
      redis.disconnect();
    }
  });

  it('a failing job is recorded as error with the first 500 characters of its error', async () => {
    const a = await replica();
    const outcome = await a.runner.run('test_failing', { trigger: 'manual' });
    expect(outcome.status).toBe('error');
    const [row] = await executions('test_failing');
    expect(row.status).toBe('error');
    expect(row.error).toHaveLength(500);
    expect(row.error).toMatch(/^provider said no/);
  });

  it('closes a running row left by a dead process as error, but not one whose run still holds the lock', async () => {
    const clock = new FakeClock('2026-03-02T12:00:00Z');
    const a = await replica({ JOB_TIMEOUT: '60' }, clock);
    const lockedByLiveRun = await a.context.get(LockService).acquire('job:test_hourly', 600_000);
    const old = new Date('2026-03-02T11:57:00Z'); // older than JOB_TIMEOUT + 60 s
    await db.sql.query(
      `INSERT INTO job_executions (job_name, status, started_at, fencing_token) VALUES
         ('test_gated', 'running', $1, 999), ('test_hourly', 'running', $1, $2), ('test_fast', 'running', $3, 1)`,
      [old, lockedByLiveRun!.fencingToken, new Date('2026-03-02T11:59:30Z')],
    );
    expect(await a.context.get(OrphanReaper).reap()).toBe(1);
    const rows = await executions();
    const byJob = Object.fromEntries(rows.map((row) => [row.job_name, row]));
    expect(byJob.test_gated.status).toBe('error');
    expect(byJob.test_gated.error).toMatch(/orphaned/);
    expect(byJob.test_gated.finished_at.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(byJob.test_hourly.status).toBe('running');
    expect(byJob.test_fast.status).toBe('running');
  });

  it('a cron run missed while the service was down runs once at start-up, not once per missed tick', async () => {
    // the last hourly tick claimed was 10:00 UTC; the service comes back at 13:20 UTC
    await db.sql.query(
      `INSERT INTO jobs_agendados (job_name, ultimo_vencimento_em) VALUES ('test_hourly', '2026-03-02T10:00:00Z')`,
    );
    const clock = new FakeClock('2026-03-02T13:20:00Z');
    const a = await replica({}, clock);
    await a.scheduler.catchUp();
    await a.scheduler.idle();
    const b = await replica({}, clock); // a second replica starting right after must not run it again
    await b.scheduler.catchUp();
    await b.scheduler.idle();
    const rows = await executions('test_hourly');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'success', trigger: 'catch_up' });
    expect(rows[0].due_at.toISOString()).toBe('2026-03-02T13:00:00.000Z');
    // the handler is told which due time it stands for
    expect(a.jobs.calls.map((call) => call.dueAt?.toISOString())).toEqual(['2026-03-02T13:00:00.000Z']);
    // the first start ever catches nothing up: it only records where the schedule stands
    expect(await executions('test_morning')).toHaveLength(0);
  });

  it("a due time that comes while start-up is catching up is the clock's tick, not a missed run", async () => {
    await db.sql.query(
      `INSERT INTO jobs_agendados (job_name, ultimo_vencimento_em) VALUES ('test_hourly', '2026-03-02T12:00:00Z')`,
    );
    const clock = new FakeClock('2026-03-02T12:59:59.900Z'); // the clock is armed for 13:00, 100 ms away
    const a = await replica({}, clock);
    const state = a.context.get(JobStateRepository);
    const readState = state.all.bind(state);
    // 13:00 passes while the catch-up reads where each job stands
    jest.spyOn(state, 'all').mockImplementation(async () => {
      const states = await readState();
      clock.set('2026-03-02T13:00:00.050Z');
      return states;
    });
    await a.scheduler.start();
    await waitFor(() => a.jobs.countOf('test_hourly') === 1);
    a.scheduler.stop();
    let rows = await executions('test_hourly');
    while (rows.some((row) => row.status === 'running')) rows = await executions('test_hourly');
    expect(rows.map((row) => [row.due_at.toISOString(), row.trigger])).toEqual([
      ['2026-03-02T13:00:00.000Z', 'schedule'],
    ]);
  });

  it('fires a weekday 08:00 cron at 08:00 in America/Sao_Paulo (11:00 UTC)', async () => {
    // Monday 07:59:59.7 local: the timer is armed for 300 ms from now
    const clock = new FakeClock('2026-03-02T10:59:59.700Z');
    const a = await replica({}, clock);
    await a.scheduler.start();
    await waitFor(() => a.jobs.countOf('test_morning') === 1);
    a.scheduler.stop();
    await sleep(100);
    const rows = await executions('test_morning');
    expect(rows).toHaveLength(1);
    expect(rows[0].due_at.toISOString()).toBe('2026-03-02T11:00:00.000Z');
  });

  it('pause stops ticks from running on every replica; resume runs them again', async () => {
    const a = await replica();
    const b = await replica();
    await a.scheduler.start();
    a.scheduler.stop();
    const nextDue = a.job('test_hourly').schedule.nextAfter(new Date());
    await a.control.pause('test_hourly', 'test');
    await b.scheduler.runDueTick(b.job('test_hourly'), nextDue);
    expect(await executions('test_hourly')).toHaveLength(0);
    expect((await b.control.list()).find((job) => job.name === 'test_hourly')).toMatchObject({
      paused: true,
    });
    await b.control.resume('test_hourly', 'test');
    await a.scheduler.runDueTick(a.job('test_hourly'), new Date(nextDue.getTime() + 3_600_000));
    expect((await executions('test_hourly')).map((row) => row.status)).toEqual(['success']);
  });

  it('runs interval jobs from real timers once per due tick across two replicas, without waiting for each other', async () => {
    const a = await replica();
    const b = await replica();
    await Promise.all([a.scheduler.start(), b.scheduler.start()]);
    const gated = a.runner.run('test_gated', { trigger: 'manual' }); // a slow job must not hold the clock
    await sleep(1_100);
    a.scheduler.stop();
    b.scheduler.stop();
    await Promise.all([a.scheduler.idle(), b.scheduler.idle()]);
    a.jobs.gate.open();
    await gated;
    const rows = (await executions('test_fast')).sort((x, y) => x.due_at - y.due_at);
    const dueTimes = rows.map((row) => row.due_at.toISOString());
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(new Set(dueTimes).size).toBe(dueTimes.length);
    const ran = rows.filter((row) => row.status === 'success');
    expect(a.jobs.countOf('test_fast') + b.jobs.countOf('test_fast')).toBe(ran.length);
    expect(rows.every((row) => row.status === 'success' || row.status === 'skipped')).toBe(true);
    // consecutive due times: no tick lost between replicas
    const gaps = rows.slice(1).map((row, i) => row.due_at.getTime() - rows[i].due_at.getTime());
    expect(gaps).toEqual(gaps.map(() => 200));
  });

  it('ticks a stall held back (a blocked event loop) run late, one after another, none recorded as skipped', async () => {
    const clock = new FakeClock('2026-03-02T12:00:00.000Z');
    const a = await replica({ JOB_SCHEDULE_OVERRIDES: 'test_fast=2s' }, clock);
    await a.scheduler.start();
    await waitFor(() => a.jobs.countOf('test_fast') === 1); // the 12:00:02 tick
    await a.scheduler.idle(); // over: nothing of the job is running, the 12:00:04 tick is armed
    // a stall: when that timer fires it is 12:00:08, and the 12:00:06 and 12:00:08 ticks are due too
    clock.set('2026-03-02T12:00:08.000Z');
    await waitFor(() => a.jobs.countOf('test_fast') === 4, 10_000);
    a.scheduler.stop();
    await a.scheduler.idle();
    const rows = (await executions('test_fast')).sort((x, y) => x.due_at - y.due_at);
    expect(rows.map((row) => [row.due_at.toISOString().slice(11, 19), row.status])).toEqual([
      ['12:00:02', 'success'],
      ['12:00:04', 'success'],
      ['12:00:06', 'success'],
      ['12:00:08', 'success'],
    ]);
  });

  it('takes schedules from the configuration and lets JOB_SCHEDULE_OVERRIDES win', async () => {
    const byConfig = await replica({ QUEUE_POLL_INTERVAL: '7' });
    expect(byConfig.job('test_configured').schedule.describe()).toBe('every 7s');
    expect(byConfig.job('test_hourly').schedule.describe()).toBe('0 * * * * (America/Sao_Paulo)');
    const overridden = await replica({
      JOB_SCHEDULE_OVERRIDES: 'test_configured=2s;test_hourly=*/5 * * * *',
    });
    expect(overridden.job('test_configured').schedule.describe()).toBe('every 2s');
    expect(overridden.job('test_hourly').schedule.describe()).toBe('*/5 * * * * (America/Sao_Paulo)');
    await expect(replica({ JOB_SCHEDULE_OVERRIDES: 'no_such_job=5s' })).rejects.toThrow(
      /JOB_SCHEDULE_OVERRIDES names unknown job\(s\) no_such_job; valid names: .*test_hourly/,
    );
  });

  it('JOB_SCHEDULE_OVERRIDES may name the queue job by its worker name', async () => {
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: sharedPrefix,
      JOB_SCHEDULE_OVERRIDES: 'fila_worker=5s',
    });
    const context = await createSchedulerContext(config, [FilaModule]);
    try {
      expect(context.get(JobRegistry).get('process_queue').schedule.describe()).toBe('every 5s');
    } finally {
      await context.close();
    }
    // both names at once: one of the two schedules would be silently ignored
    const both = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: sharedPrefix,
      JOB_SCHEDULE_OVERRIDES: 'fila_worker=5s;process_queue=60s',
    });
    await expect(createSchedulerContext(both, [FilaModule])).rejects.toThrow(
      /JOB_SCHEDULE_OVERRIDES sets process_queue twice \(fila_worker, process_queue\)/,
    );
  });

  it('on shutdown waits for a running job within the grace period', async () => {
    const a = await replica({ SHUTDOWN_GRACE_PERIOD: '5' });
    const run = a.runner.run('test_gated', { trigger: 'manual' });
    await waitFor(() => a.jobs.countOf('test_gated') === 1);
    setTimeout(() => a.jobs.gate.open(), 300);
    await a.context.close();
    contexts.splice(contexts.indexOf(a.context), 1);
    expect((await run).status).toBe('success');
  });

  it('on shutdown tells running jobs to wrap up: one that listens ends at once, a success, long before the grace period', async () => {
    const a = await replica({ SHUTDOWN_GRACE_PERIOD: '25' });
    const run = a.runner.run('test_batches', { trigger: 'manual' });
    await waitFor(() => a.jobs.countOf('test_batches') === 1);
    await sleep(120);
    const closing = Date.now();
    await a.context.close();
    contexts.splice(contexts.indexOf(a.context), 1);
    expect(Date.now() - closing).toBeLessThan(2_000);
    const outcome = await run;
    expect(outcome).toMatchObject({ status: 'success', details: { aborted: false } });
    expect(outcome.itemsProcessed).toBeGreaterThanOrEqual(1);
  });

  it('on shutdown also waits for a run asked for while running jobs drain (admin "run now" during a deploy)', async () => {
    const a = await replica({ SHUTDOWN_GRACE_PERIOD: '5' });
    const firstGate = a.jobs.gate;
    void a.runner.run('test_gated', { trigger: 'manual' });
    await waitFor(() => a.jobs.countOf('test_gated') === 1);
    const stopRequested = jest.spyOn(a.runner, 'requestStop');
    const closing = a.context.close();
    contexts.splice(contexts.indexOf(a.context), 1);
    await waitFor(() => stopRequested.mock.calls.length > 0);
    const lateGate = new Gate();
    a.jobs.gate = lateGate;
    const late = a.runner.run('test_stubborn', { trigger: 'manual' });
    let lateSettled = false;
    void late.finally(() => (lateSettled = true));
    await waitFor(() => a.jobs.countOf('test_stubborn') === 1);
    firstGate.open();
    setTimeout(() => lateGate.open(), 300);
    await closing;
    // main.ts exits as soon as close() resolves: a run still going then is cut off mid-way
    expect(lateSettled).toBe(true);
    expect((await late).status).toBe('success');
    expect((await executions('test_stubborn')).map((row) => row.status)).toEqual(['success']);
  });

  it('on shutdown aborts a job still running after the grace period and records why', async () => {
    const a = await replica({ SHUTDOWN_GRACE_PERIOD: '0' });
    const run = a.runner.run('test_gated', { trigger: 'manual' });
    await waitFor(() => a.jobs.countOf('test_gated') === 1);
    await a.context.close();
    contexts.splice(contexts.indexOf(a.context), 1);
    const outcome = await run;
    expect(outcome.status).toBe('error');
    expect(outcome.error).toMatch(/shutting down/);
  });

  describe('prune_job_history', () => {
    async function seedHistory() {
      await db.sql.query(
        `INSERT INTO job_executions (job_name, status, started_at, finished_at)
         VALUES ('old_a', 'success', now() - interval '31 days', now() - interval '31 days'),
                ('old_b', 'error', now() - interval '40 days', now() - interval '40 days'),
                ('old_running', 'running', now() - interval '31 days', NULL),
                ('recent', 'success', now() - interval '29 days', now() - interval '29 days')`,
      );
    }
    const seededLeft = async () =>
      (await executions()).map((row) => row.job_name).filter((name) => name !== 'prune_job_history');

    it('deletes finished runs older than 30 days and keeps the rest', async () => {
      const a = await replica();
      await seedHistory();
      const outcome = await a.runner.run('prune_job_history', { trigger: 'manual' });
      expect(outcome).toMatchObject({ status: 'success', itemsProcessed: 2 });
      expect((await seededLeft()).sort()).toEqual(['old_running', 'recent']);
    });

    it('deletes a backlog larger than one delete batch (5 000 rows) in one run', async () => {
      const a = await replica();
      await db.sql.query(
        `INSERT INTO job_executions (job_name, status, started_at, finished_at)
         SELECT 'old_backlog', 'success', now() - interval '31 days', now() - interval '31 days'
           FROM generate_series(1, 5001)`,
      );
      const outcome = await a.runner.run('prune_job_history', { trigger: 'manual' });
      expect(outcome).toMatchObject({ status: 'success', itemsProcessed: 5_001 });
      expect(await seededLeft()).toEqual([]);
    });

    it('deletes nothing once the service is shutting down, and says why', async () => {
      const a = await replica();
      await seedHistory();
      a.runner.requestStop();
      const outcome = await a.runner.run('prune_job_history', { trigger: 'manual' });
      expect(outcome).toMatchObject({
        status: 'success',
        itemsProcessed: 0,
        details: { stopped_for_shutdown: true },
      });
      expect(await seededLeft()).toHaveLength(4);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
