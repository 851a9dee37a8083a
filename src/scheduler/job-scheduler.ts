import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { driverMessage } from '../database/driver-message';
import { retryWrite } from '../database/write-retry';
import { planCatchUp } from './catch-up-plan';
import { CronSchedule } from './cron-schedule';
import type { JobDefinition } from './job-definition';
import { JobRegistry } from './job-registry';
import { JobRunner } from './job-runner';
import { type JobState, JobStateRepository } from './job-state.repository';
import { OrphanReaper } from './orphan-reaper';
import { TickFailureLog } from './tick-failure-log';
import { tickRetryBudgetMs } from './tick-retry-budget';

// setTimeout cannot wait longer than ~24.8 days; long waits are re-armed in steps.
const MAX_TIMER_MS = 60 * 60 * 1000;
const REAPER_INTERVAL_MS = 60_000;
const MAX_REPLAYED_PERIODS = 3;
const MIN_REPLAY_WINDOW_MS = 10_000;
const CATCH_UP_RETRY_MS = 10_000;

/**
 * The clock: arms one timer per job at its next due time, and on each due time claims the tick
 * (once across replicas) and hands it to the runner without waiting for it, so a slow job delays
 * only itself. Also catches up missed cron runs on start, reaps orphaned runs and drains on shutdown.
 */
@Injectable()
export class JobScheduler implements OnModuleDestroy {
  private readonly logger = new Logger('scheduler');
  private readonly tickFailures = new TickFailureLog(this.logger);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private reaperTimer: NodeJS.Timeout | undefined;
  private running = false;
  /** app.close() has begun: a start() still under way arms nothing more */
  private shuttingDown = false;
  private readonly ticks = new Set<Promise<void>>();

  constructor(
    private readonly registry: JobRegistry,
    private readonly runner: JobRunner,
    private readonly state: JobStateRepository,
    private readonly reaper: OrphanReaper,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running || this.shuttingDown) return;
    const jobs = this.registry.list();
    await this.state.ensure(jobs.map((job) => job.name));
    // quietly: the reaper asks the lock service, and Redis being down must not stop the service starting
    await this.reapQuietly();
    if (this.shuttingDown) return;
    this.running = true;
    const armedAt = this.clock.now();
    for (const job of jobs) this.arm(job, armedAt);
    this.reaperTimer = setInterval(() => void this.reapQuietly(), REAPER_INTERVAL_MS);
    this.logger.log({
      msg: 'scheduler started',
      timezone: this.config.SCHEDULER_TIMEZONE,
      jobs: jobs.map((job) => ({
        job: job.name,
        schedule: job.schedule.describe(),
        next_run_at: job.schedule.nextAfter(armedAt).toISOString(),
      })),
    });
    await this.catchUp(armedAt);
  }

  /** Stops ticking; runs in progress keep going (see drain). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    clearInterval(this.reaperTimer);
    this.logger.log({ msg: 'scheduler stopped' });
  }

  /**
   * Runs on app.close() (SIGTERM) before Prisma and Redis are closed: stop ticking, tell running jobs to
   * wrap up (`stopping`), let them finish within the grace period, then abort them and wait briefly for
   * their final status.
   */
  async onModuleDestroy(): Promise<void> {
    this.shuttingDown = true;
    this.stop();
    this.runner.requestStop();
    const running = this.runner.runningJobs();
    if (this.runner.isIdle() && !this.ticks.size) return;
    this.logger.log({
      msg: 'waiting for running jobs',
      jobs: running,
      ticks_being_handed_over: this.ticks.size,
      grace_ms: this.config.shutdownGraceMs,
    });
    // A tick that fired just before the stop may not have reached the runner yet; its due time is already
    // claimed, so no replica would catch it up: it runs here (told to wrap up) like the runs in progress.
    const grace = this.config.shutdownGraceMs;
    const finished = await Promise.race([
      Promise.all([this.idle(), this.runner.drain(grace)]).then(([, drained]) => drained),
      sleep(grace, false, { ref: false }),
    ]);
    if (finished) return;
    this.logger.warn({ msg: 'grace period over: aborting running jobs', jobs: this.runner.runningJobs() });
    this.runner.abortAll();
    await this.runner.drain(5_000);
  }

  /**
   * One due tick of one job: run by exactly one replica; a paused job's tick is not run. Tracked from the
   * start, so shutdown waits for a tick whose due time is claimed but whose run has not begun.
   */
  runDueTick(job: JobDefinition, dueAt: Date): Promise<void> {
    const tick = this.handOver(job, dueAt, 'schedule');
    this.track(tick);
    return tick;
  }

  /** Never rejects: a failed tick or catch-up (the database failing over) is logged, never fatal. */
  private async handOver(job: JobDefinition, dueAt: Date, trigger: 'schedule' | 'catch_up'): Promise<void> {
    try {
      // idempotent: a database restarting at 08:00 must not cost the weekday job its day
      const { paused } = await retryWrite(() => this.state.markDue(job.name, dueAt), {
        budgetMs: tickRetryBudgetMs(job.schedule.periodMs()),
      });
      if (paused) {
        this.logger.debug({ msg: 'job paused: tick not run', job: job.name, due_at: dueAt.toISOString() });
        return;
      }
      await this.runner.run(job.name, { trigger, dueAt });
      this.tickFailures.succeeded(job.name);
    } catch (error) {
      this.tickFailures.failed(job.name, dueAt, driverMessage(error, 500));
    }
  }

  /**
   * On start: each cron job whose last due run was missed while no replica was up runs once. The clock is
   * already ticking and earlier jobs' catch-up runs are under way, so a failure here is logged per job, never
   * thrown: start-up failing now would cut those runs off, their due time already claimed. Due times up to
   * `until` are the catch-up's, later ones the clock's: a tick that comes due while this reads the jobs'
   * state is not a missed run.
   */
  async catchUp(until?: Date): Promise<void> {
    let states: Map<string, JobState>;
    try {
      states = await retryWrite(() => this.state.all(), { budgetMs: CATCH_UP_RETRY_MS });
    } catch (error) {
      this.logger.warn({
        msg: 'catch-up failed: missed runs not caught up',
        error: driverMessage(error, 500),
      });
      return;
    }
    const now = until ?? this.clock.now();
    for (const job of this.registry.list()) {
      if (this.shuttingDown) return;
      if (!(job.schedule instanceof CronSchedule)) continue;
      const plan = planCatchUp(job.schedule, states.get(job.name)?.lastDueAt ?? null, now);
      if (plan.action === 'initialize') await this.recordDue(job, plan.dueAt);
      if (plan.action === 'too_old') {
        this.logger.warn({
          msg: 'missed runs too old to catch up',
          job: job.name,
          missed: plan.missed,
          last_due_at: plan.dueAt.toISOString(),
        });
        await this.recordDue(job, plan.dueAt);
      }
      if (plan.action === 'run') {
        this.logger.warn({
          msg: 'catching up a missed run',
          job: job.name,
          missed: plan.missed,
          due_at: plan.dueAt.toISOString(),
        });
        this.track(this.handOver(job, plan.dueAt, 'catch_up'));
      }
    }
  }

  /** The due time a start-up has seen for a job: waits out a database restart like a tick, else logs. */
  private async recordDue(job: JobDefinition, dueAt: Date): Promise<void> {
    try {
      await retryWrite(() => this.state.markDue(job.name, dueAt), {
        budgetMs: tickRetryBudgetMs(job.schedule.periodMs()),
      });
    } catch (error) {
      this.logger.warn({
        msg: 'catch-up failed: due time not recorded',
        job: job.name,
        due_at: dueAt.toISOString(),
        error: driverMessage(error, 500),
      });
    }
  }

  /** Resolves when every tick started by this scheduler has been handed off and finished. */
  async idle(): Promise<void> {
    while (this.ticks.size) await Promise.allSettled([...this.ticks]);
  }

  private arm(job: JobDefinition, after: Date): void {
    if (!this.running) return;
    const dueAt = job.schedule.nextAfter(after);
    const wait = dueAt.getTime() - this.clock.now().getTime();
    if (wait > MAX_TIMER_MS) {
      this.timers.set(
        job.name,
        setTimeout(() => this.arm(job, after), MAX_TIMER_MS),
      );
      return;
    }
    const timer = setTimeout(() => this.fire(job, dueAt), Math.max(0, wait));
    this.timers.set(job.name, timer);
  }

  private fire(job: JobDefinition, dueAt: Date): void {
    if (!this.running) return;
    const now = this.clock.now();
    const lateBy = now.getTime() - dueAt.getTime();
    // After a long stall (host asleep) the past ticks are dropped rather than run in a burst.
    if (lateBy > Math.max(MAX_REPLAYED_PERIODS * job.schedule.periodMs(), MIN_REPLAY_WINDOW_MS)) {
      this.logger.warn({ msg: 'scheduler fell behind: ticks dropped', job: job.name, late_ms: lateBy });
      this.arm(job, now);
      void this.runDueTick(job, dueAt);
      return;
    }
    // A short stall (a blocked event loop) may have held back the job's next ticks too. They run late, one
    // after another: fired at once, each would find the one before still going and be recorded as skipped,
    // though the job was not running at its due time. The clock goes on from the last of them, so a tick
    // that comes due while the replay still runs is skipped like any tick that finds its job running.
    const delayed: Date[] = [];
    for (let next = job.schedule.nextAfter(dueAt); next <= now; next = job.schedule.nextAfter(next))
      delayed.push(next);
    this.arm(job, delayed.at(-1) ?? dueAt);
    this.track(this.replay(job, [dueAt, ...delayed]));
  }

  /**
   * Hands the ticks over in turn. They all came due before any stop(), so a stop lets them finish like a
   * tick that fired just before it; only shutdown leaves the rest unclaimed, as missed runs.
   */
  private async replay(job: JobDefinition, dueTimes: readonly Date[]): Promise<void> {
    for (const dueAt of dueTimes) {
      if (this.shuttingDown) return;
      await this.runDueTick(job, dueAt);
    }
  }

  private track(tick: Promise<void>): void {
    this.ticks.add(tick);
    void tick.finally(() => this.ticks.delete(tick));
  }

  private async reapQuietly(): Promise<void> {
    try {
      await this.reaper.reap();
    } catch (error) {
      this.logger.warn({ msg: 'reaper failed', error: String(error) });
    }
  }
}
