import { AdminJobsRepository } from '../../src/admin/admin-jobs.repository';
import { AlertsRepository } from '../../src/alerts/alerts.repository';
import { HealthRepository } from '../../src/health/health.repository';
import { FilaRepository } from '../../src/workers/fila/fila.repository';
import { rowsReadFrom, statementsSent, useSeededDatabase } from '../utils/query-plan';

/**
 * Reads that run on every health check (Railway's, Docker's every 30 s, on every replica) and every
 * minute (check_alerts) against the 30 days of job history prune_job_history keeps (~10 000 runs a day):
 * each must read the few rows it is about, not the history (a scan there is ~300 ms at 1 000 000 rows,
 * against the health check's 2 s budget).
 */

const HISTORY_ROWS = 300_000;
const JOBS = [
  'process_queue',
  'process_queue',
  'process_queue',
  'check_alerts',
  'check_alerts',
  'handoff_processor',
  'grupos_worker',
  'pilot_mode',
  'temperature_decay',
];

describe('job history reads at production size (real PostgreSQL)', () => {
  const scale = useSeededDatabase('history_reads_at_scale', async (db) => {
    await db.sql.query(
      `INSERT INTO job_executions (job_name, trigger, due_at, started_at, finished_at, status, duration_ms, items_processed)
       SELECT ($1::text[])[1 + g % 9], 'schedule', now() - g * interval '8.6 seconds', now() - g * interval '8.6 seconds',
              now() - g * interval '8.6 seconds' + interval '200 ms',
              CASE WHEN g % 97 = 0 THEN 'error' WHEN g % 13 = 0 THEN 'skipped' ELSE 'success' END, 200, 3
         FROM generate_series(1, ${HISTORY_ROWS}) g`,
      [JOBS],
    );
    await db.sql.query('VACUUM ANALYZE job_executions');
  });

  it("/health/workers' last run (HealthRepository.workersStats) is an index lookup", async () => {
    const [statement] = await statementsSent(
      () => new HealthRepository(scale.prisma).workersStats(new Date()),
      'job_executions',
    );
    expect(await rowsReadFrom(scale.db, statement, 'job_executions')).toBeLessThanOrEqual(1_000);
  }, 60_000);

  it("/health/workers' last successful queue poll (FilaRepository.lastSuccessfulPoll) is an index lookup", async () => {
    const [statement] = await statementsSent(
      () => new FilaRepository(scale.prisma).lastSuccessfulPoll(),
      'job_executions',
    );
    expect(await rowsReadFrom(scale.db, statement, 'job_executions')).toBeLessThanOrEqual(1_000);
  }, 60_000);

  it("check_alerts' long_run rule reads the runs of the last minutes and the running ones only", async () => {
    const now = new Date();
    const [statement] = await statementsSent(
      () => new AlertsRepository(scale.prisma).longRuns(now, new Date(now.getTime() - 5 * 60_000), 60),
      'job_executions',
    );
    // the last 5 minutes hold ~35 runs
    expect(await rowsReadFrom(scale.db, statement, 'job_executions')).toBeLessThanOrEqual(5_000);
  }, 60_000);

  it("the admin API's last run of each job (AdminJobsRepository.lastRuns) reads a few rows per job", async () => {
    // and a daily job, last run yesterday, and a job that never ran: the ones a walk by time reads far for
    await scale.db.sql.query(
      `INSERT INTO job_executions (job_name, trigger, started_at, finished_at, status)
       SELECT 'daily_report', 'schedule', now() - g * interval '1 day' - interval '3 hours',
              now() - g * interval '1 day' - interval '3 hours' + interval '2 seconds', 'success'
         FROM generate_series(1, 30) g`,
    );
    await scale.db.sql.query('ANALYZE job_executions');
    const names = [...new Set(JOBS), 'daily_report', 'sync_briefing'];
    const [statement] = await statementsSent(
      () => new AdminJobsRepository(scale.prisma).lastRuns(names),
      'job_executions',
    );
    expect(await rowsReadFrom(scale.db, statement, 'job_executions')).toBeLessThanOrEqual(names.length * 100);
  }, 60_000);
});
