import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerFleet } from '../processes/worker-fleet';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { auditTicks, tickRows, type TickAudit } from './tick-audit';

// Issue 7, scenario 1: three replicas of `node dist/main` on one database and one Redis prefix tick
// fast for minutes; job_executions must then hold every due tick exactly once.

const DURATION_S = Number(process.env.FAULTS_DURATION_S ?? 180);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
// jobs that are cheap on an empty database
const INTERVAL_JOBS = ['process_queue', 'temperature_decay'];
const CRON_JOB = 'handoff_processor';
// a tick due this close to the window's edges may be mid-claim when the window is cut
const EDGE_MS = 2 * SECOND;

describe('scheduler across three replicas', () => {
  let db: TestDatabase;
  let fleet: WorkerFleet | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(`faults_scheduler_${process.pid}`);
  });
  afterAll(async () => {
    await fleet?.stopAll();
    await db?.drop();
  });

  it(`runs every due tick exactly once over ${DURATION_S} s`, async () => {
    fleet = await WorkerFleet.start(3, {
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('faults-scheduler'),
      JOB_SCHEDULE_OVERRIDES: [...INTERVAL_JOBS.map((job) => `${job}=1s`), `${CRON_JOB}=* * * * *`].join(';'),
    });
    const allUpAt = Date.now();
    await sleep(DURATION_S * SECOND);
    const stoppingAt = Date.now();

    for (const worker of fleet.workers) worker.process.kill('SIGTERM');
    const exitCodes = await Promise.all(fleet.workers.map((worker) => worker.process.exited));

    const from = allUpAt + EDGE_MS;
    const to = stoppingAt - EDGE_MS;
    const audits: TickAudit[] = [];
    for (const job of INTERVAL_JOBS) {
      const rows = await tickRows(db.sql, job);
      // no gaps between the first and the last tick seen, and the window of all replicas up covered
      const first = Math.min(rows[0]?.dueAt ?? from, from);
      const last = Math.max(rows[rows.length - 1]?.dueAt ?? to, to);
      audits.push(auditTicks(job, rows, SECOND, first, last));
    }
    audits.push(auditTicks(CRON_JOB, await tickRows(db.sql, CRON_JOB), MINUTE, from, to));

    const figures = {
      duration_s: DURATION_S,
      window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      exit_codes: Object.fromEntries(fleet.workers.map((worker, index) => [worker.name, exitCodes[index]])),
      jobs: audits.map((audit) => ({
        job: audit.job,
        ticks: audit.ticks,
        first_due_at: audit.firstDueAt,
        last_due_at: audit.lastDueAt,
        duplicates: audit.duplicates.length,
        gaps: audit.gaps.length,
        off_schedule: audit.offSchedule.length,
        skipped: audit.statuses.skipped ?? 0,
        skipped_due_at: audit.skippedDueAt.slice(0, 20),
        skipped_without_run: audit.skippedWithoutRun.length,
        statuses: audit.statuses,
        by_replica: audit.byReplica,
        lag_p50_ms: audit.lagP50Ms,
        lag_p99_ms: audit.lagP99Ms,
      })),
    };
    console.log(`scheduler fault figures\n${JSON.stringify(figures, null, 2)}`);
    const problems = audits.filter(
      (audit) => audit.duplicates.length || audit.gaps.length || audit.offSchedule.length,
    );
    if (problems.length)
      console.log(
        `scheduler fault details\n${JSON.stringify(
          problems.map(({ job, duplicates, gaps, offSchedule }) => ({ job, duplicates, gaps, offSchedule })),
          null,
          2,
        )}`,
      );

    for (const audit of audits) {
      expect({ job: audit.job, duplicates: audit.duplicates }).toEqual({ job: audit.job, duplicates: [] });
      expect({ job: audit.job, gaps: audit.gaps }).toEqual({ job: audit.job, gaps: [] });
      expect({ job: audit.job, offSchedule: audit.offSchedule }).toEqual({ job: audit.job, offSchedule: [] });
      const unexpected = Object.keys(audit.statuses).filter(
        (status) => !['success', 'skipped'].includes(status),
      );
      expect({ job: audit.job, unexpected }).toEqual({ job: audit.job, unexpected: [] });
      // a skip must name a run that really held the lock, never a replica that fired the same tick
      expect({ job: audit.job, skippedWithoutRun: audit.skippedWithoutRun }).toEqual({
        job: audit.job,
        skippedWithoutRun: [],
      });
    }
    // the window always spans at least two minute boundaries, so the cron job must have run
    expect(audits[audits.length - 1].ticks).toBeGreaterThanOrEqual(Math.floor((to - from) / MINUTE));
    expect(exitCodes).toEqual([0, 0, 0]);
  });
});
