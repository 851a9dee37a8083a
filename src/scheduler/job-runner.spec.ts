import { ConsoleLogger, Logger } from '@nestjs/common';
import { SystemClock } from '../common/clock';
import { parseConfig } from '../config/load-config';
import { InProcessLockService } from '../redis/in-process-lock.service';
import { LockUnavailableError } from '../redis/lock-unavailable.error';
import type { ExecutionEnd, ExecutionStart, JobHistoryRepository } from './job-history.repository';
import { IntervalSchedule } from './interval-schedule';
import { JobRegistry } from './job-registry';
import { JobRunner } from './job-runner';
import { JobScheduler } from './job-scheduler';
import type { JobStateRepository } from './job-state.repository';
import type { OrphanReaper } from './orphan-reaper';
import { CronSchedule } from './cron-schedule';
import type { JobStatus } from './job.types';

/** job_executions in memory; each write fails while the "database" is away (its first N calls). */
class FlakyHistory {
  readonly rows = new Map<string, { status: JobStatus; fencingToken: number | null; error: string | null }>();

  constructor(
    private readonly failures: Partial<
      Record<'start' | 'setFencingToken' | 'finish' | 'markSkipped', number>
    >,
  ) {}

  /** starts whose row is written but whose answer is lost (the connection drops before it arrives) */
  lostStartReplies = 0;
  private readonly claimedTicks = new Set<string>();

  async start(run: ExecutionStart): Promise<string | null> {
    this.failWhileAway('start');
    // as job_executions' unique (job_name, due_at) and primary key: a tick is one start's, found by its id
    const tick = run.dueAt ? `${run.jobName}@${run.dueAt.toISOString()}` : null;
    if (this.rows.has(run.id)) return run.id;
    if (tick !== null && this.claimedTicks.has(tick)) return null;
    this.rows.set(run.id, { status: 'running', fencingToken: run.fencingToken, error: null });
    if (tick !== null) this.claimedTicks.add(tick);
    if (this.lostStartReplies > 0) {
      this.lostStartReplies--;
      throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'P1017' });
    }
    return run.id;
  }

  async setFencingToken(id: string, fencingToken: number): Promise<void> {
    this.failWhileAway('setFencingToken');
    this.rows.get(id)!.fencingToken = fencingToken;
  }

  async finish(id: string, end: ExecutionEnd): Promise<boolean> {
    this.failWhileAway('finish');
    return this.close(id, end.status, end.error);
  }

  async markSkipped(id: string, reason: string): Promise<string | null> {
    this.failWhileAway('markSkipped');
    return this.close(id, 'skipped', reason) ? id : null;
  }

  private close(id: string, status: JobStatus, error: string | null): boolean {
    const row = this.rows.get(id)!;
    if (row.status !== 'running') return false;
    Object.assign(row, { status, error });
    return true;
  }

  private failWhileAway(write: keyof FlakyHistory['failures']): void {
    const left = this.failures[write] ?? 0;
    if (left <= 0) return;
    this.failures[write] = left - 1;
    // what Prisma throws while the server is down
    throw Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' });
  }
}

describe('JobRunner while the database is briefly away', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  const config = parseConfig({ JOB_TIMEOUT: '5' });
  const dueAt = new Date('2026-03-02T13:00:00Z');

  function runnerWith(history: FlakyHistory, locks = new InProcessLockService()) {
    const registry = new JobRegistry();
    let runs = 0;
    registry.register({
      name: 'test_job',
      // a period long enough that retries within a tick have their full 10 s budget, however loaded the machine
      schedule: new IntervalSchedule(3_600_000),
      handler: async () => ({ itemsProcessed: ++runs }),
      source: 'job-runner.spec',
    });
    const runner = new JobRunner(
      registry,
      locks,
      history as unknown as JobHistoryRepository,
      new SystemClock(),
      config,
      30_000,
    );
    return { runner, runs: () => runs };
  }

  it('a claimed tick still runs and its row gets the real result, not `running` for the reaper', async () => {
    const history = new FlakyHistory({ setFencingToken: 2, finish: 2 });
    const { runner, runs } = runnerWith(history);

    const outcome = await runner.run('test_job', { trigger: 'schedule', dueAt });

    expect(outcome).toMatchObject({ status: 'success', itemsProcessed: 1 });
    expect(runs()).toBe(1);
    expect([...history.rows.values()]).toEqual([
      { status: 'success', fencingToken: expect.any(Number), error: null },
    ]);
  });

  it('a claimed tick that finds its job running elsewhere is recorded as skipped', async () => {
    const history = new FlakyHistory({ markSkipped: 2 });
    const locks = new InProcessLockService();
    await locks.acquire('job:test_job', 30_000);
    const { runner, runs } = runnerWith(history, locks);

    const outcome = await runner.run('test_job', { trigger: 'schedule', dueAt });

    expect(outcome).toMatchObject({ status: 'skipped' });
    expect(runs()).toBe(0);
    expect([...history.rows.values()]).toEqual([
      { status: 'skipped', fencingToken: null, error: expect.stringMatching(/^already running/) },
    ]);
  });

  it('a tick whose lock was taken but whose answer was lost runs, instead of finding "its own" lock held', async () => {
    const history = new FlakyHistory({});
    const store = new InProcessLockService();
    let replyLost = false;
    const locks = Object.create(store) as InProcessLockService;
    locks.acquire = async (resource: string, ttlMs: number, attempt?: string) => {
      const lock = await store.acquire(resource, ttlMs, attempt);
      if (replyLost) return lock;
      replyLost = true;
      throw new LockUnavailableError('acquire', resource, new Error('Command timed out'));
    };
    const { runner, runs } = runnerWith(history, locks);

    const outcome = await runner.run('test_job', { trigger: 'schedule', dueAt });

    expect(outcome).toMatchObject({ status: 'success' });
    expect(runs()).toBe(1);
    expect(await store.currentHolder('job:test_job')).toBeNull();
  });

  it('a run asked for right after another returns runs too, even when the lock store is slow to release', async () => {
    const history = new FlakyHistory({});
    const locks = new InProcessLockService();
    const release = locks.release.bind(locks);
    locks.release = async (...args: Parameters<InProcessLockService['release']>) => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // Redis under load
      return release(...args);
    };
    const { runner, runs } = runnerWith(history, locks);

    expect(await runner.run('test_job', { trigger: 'manual' })).toMatchObject({ status: 'success' });
    expect(await runner.run('test_job', { trigger: 'manual' })).toMatchObject({ status: 'success' });
    expect(runs()).toBe(2);
  });

  it('a due tick whose claim was written but whose answer was lost runs, instead of being taken as claimed elsewhere', async () => {
    const history = new FlakyHistory({});
    history.lostStartReplies = 1;
    const { runner, runs } = runnerWith(history);

    const outcome = await runner.run('test_job', { trigger: 'schedule', dueAt });

    expect(outcome).toMatchObject({ status: 'success' });
    expect(runs()).toBe(1);
    expect([...history.rows.values()]).toEqual([
      { status: 'success', fencingToken: expect.any(Number), error: null },
    ]);
  });

  it('a tick that cannot reach the lock service is skipped with the reason said once', async () => {
    const history = new FlakyHistory({});
    const locks = new InProcessLockService();
    locks.acquire = () =>
      Promise.reject(new LockUnavailableError('acquire', 'job:test_job', new Error('connect ECONNREFUSED')));
    const { runner, runs } = runnerWith(history, locks);

    const outcome = await runner.run('test_job', { trigger: 'schedule', dueAt });

    expect(outcome).toMatchObject({ status: 'skipped' });
    expect(runs()).toBe(0);
    expect([...history.rows.values()].map((row) => row.error)).toEqual([
      'lock service unavailable: acquire lock:job:test_job failed: connect ECONNREFUSED',
    ]);
  });
});

describe('JobRunner telling runs to wrap up', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('gives each run a stopping signal of its own: fired for runs in progress and for any started later', async () => {
    const seen: AbortSignal[] = [];
    let release: () => void = () => undefined;
    const registry = new JobRegistry();
    registry.register({
      name: 'test_job',
      schedule: new IntervalSchedule(1000),
      handler: async ({ stopping }) => {
        seen.push(stopping);
        if (seen.length === 2) await new Promise<void>((resolve) => (release = resolve));
        return { itemsProcessed: 0 };
      },
      source: 'job-runner.spec',
    });
    const runner = new JobRunner(
      registry,
      new InProcessLockService(),
      new FlakyHistory({}) as unknown as JobHistoryRepository,
      new SystemClock(),
      parseConfig({ JOB_TIMEOUT: '5' }),
      30_000,
    );

    await runner.run('test_job', { trigger: 'manual' });
    const second = runner.run('test_job', { trigger: 'manual' });
    while (seen.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(seen.map((signal) => signal.aborted)).toEqual([false, false]);

    runner.requestStop();
    expect(seen[1].aborted).toBe(true);
    release();
    expect(await second).toMatchObject({ status: 'success' });
    await runner.run('test_job', { trigger: 'manual' });

    expect(seen[2].aborted).toBe(true);
    // the first run's signal, long finished, was not touched, and no signal is shared between runs
    expect(seen[0].aborted).toBe(false);
    expect(new Set(seen).size).toBe(3);
  });
});

describe('JobRunner when a run outlives its deadline and its final status cannot be written', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('keeps the lock until the handler really ends, so no other replica starts the job beside it', async () => {
    let endHandler: () => void = () => undefined;
    const registry = new JobRegistry();
    registry.register({
      name: 'test_job',
      schedule: new IntervalSchedule(60_000),
      // ignores its abort signal
      handler: () => new Promise((resolve) => (endHandler = () => resolve({ itemsProcessed: 0 }))),
      source: 'job-runner.spec',
    });
    const history = new FlakyHistory({});
    history.finish = () => Promise.reject(new Error('invalid input syntax for type json'));
    const locks = new InProcessLockService();
    const runner = new JobRunner(
      registry,
      locks,
      history as unknown as JobHistoryRepository,
      new SystemClock(),
      parseConfig({ JOB_TIMEOUT: '1' }),
      30_000,
    );

    await expect(runner.run('test_job', { trigger: 'manual' })).rejects.toThrow(/invalid input syntax/);
    expect(await locks.currentHolder('job:test_job')).not.toBeNull();

    endHandler();
    expect(await runner.drain(1_000)).toBe(true);
    expect(await locks.currentHolder('job:test_job')).toBeNull();
  });
});

describe('a due tick while PostgreSQL is briefly away (a restart or failover at 08:00)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('still runs once the database answers again, instead of being lost until the next due time', async () => {
    const registry = new JobRegistry();
    let runs = 0;
    registry.register({
      name: 'test_morning',
      schedule: new CronSchedule('0 8 * * 1-5', 'America/Sao_Paulo'),
      handler: async () => ({ itemsProcessed: ++runs }),
      source: 'job-runner.spec',
    });
    const config = parseConfig({ JOB_TIMEOUT: '5' });
    const history = new FlakyHistory({ start: 2 });
    const runner = new JobRunner(
      registry,
      new InProcessLockService(),
      history as unknown as JobHistoryRepository,
      new SystemClock(),
      config,
      30_000,
    );
    let markDueFailures = 2;
    const state = {
      markDue: async () => {
        if (markDueFailures-- > 0)
          throw Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' });
        return { paused: false };
      },
    } as unknown as JobStateRepository;
    const scheduler = new JobScheduler(
      registry,
      runner,
      state,
      {} as OrphanReaper,
      new SystemClock(),
      config,
    );

    await scheduler.runDueTick(registry.get('test_morning'), new Date('2026-03-02T11:00:00Z'));

    expect(runs).toBe(1);
    expect([...history.rows.values()]).toEqual([
      { status: 'success', fencingToken: expect.any(Number), error: null },
    ]);
  });
});
