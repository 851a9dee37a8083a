import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool } from 'pg';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import { queueReplicaEnv, receivedTexts, waitForQuiet, waitUntil } from '../processes/queue-fixture';
import { WorkerFleet } from '../processes/worker-fleet';
import { PrivatePostgres } from '../utils/private-postgres';
import { PrivateRedis } from '../utils/private-redis';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';
import { HealthWatch, type HealthSample } from './outage-watch';
import { SteadyFlow } from './steady-flow';
import { auditTicks, tickRows } from './tick-audit';

// Issue 7, scenario 4: three replicas of `node dist/main` on a PostgreSQL and a Redis of the test's own,
// new rows queued every second. Redis is SIGKILLed for 20 s, then PostgreSQL is stopped as in a crash
// and started again: no replica may exit, /health/workers must say 503 (and why) while a dependency is
// gone and 200 after, sending must resume within 10 s, and no row may be lost or sent twice.

const REPLICAS = 3;
const SECOND = 1000;
const REDIS_OUTAGE_MS = 20 * SECOND;
const POSTGRES_OUTAGE_MS = 5 * SECOND;
const RESUME_WITHIN_MS = 10 * SECOND;
const ROWS_PER_SECOND = 3;
// the provider's answer to the send in flight when PostgreSQL stops: it lands while the server is down
const IN_FLIGHT_REPLY_MS = 1_500;
// jobs ticking every second, so "the scheduler ticks again" is seen at once
const TICKING_JOBS = ['process_queue', 'temperature_decay'];

describe('Redis outage and PostgreSQL restart under a steady flow', () => {
  const redis = new PrivateRedis();
  const postgres = new PrivatePostgres();
  let db: TestDatabase | undefined;
  let pool: Pool | undefined;
  let evolution: FakeEvolutionServer | undefined;
  let fleet: WorkerFleet | undefined;
  let flow: SteadyFlow | undefined;
  let watch: HealthWatch | undefined;

  beforeAll(async () => {
    await Promise.all([postgres.start(), redis.start()]);
    db = await createTestDatabase(`faults_outage_${process.pid}`, { adminUrl: postgres.adminUrl });
    // that connection dies with the server; the test reads and writes through a pool, which reconnects
    db.sql.on('error', () => undefined);
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    evolution = await new FakeEvolutionServer({ apiKey: 'evo-key', instances: ['numero1'] }).start();
  }, 120_000);

  afterAll(async () => {
    await flow?.stop();
    await watch?.stop();
    await fleet?.stopAll();
    await pool?.end().catch(() => undefined);
    await db?.sql.end().catch(() => undefined);
    await evolution?.close();
    // the whole server goes, with the database in it
    await redis.dispose();
    await postgres.dispose();
  });

  it('no replica exits, health turns 503 and back, sending resumes within 10 s, nothing lost or sent twice', async () => {
    const provider = evolution!;
    const testStart = Date.now();
    fleet = await WorkerFleet.start(
      REPLICAS,
      queueReplicaEnv(
        {
          databaseUrl: db!.url,
          redisUrl: redis.url,
          redisPrefix: testRedisPrefix('faults-outage'),
          providerUrl: provider.url,
        },
        { EVOLUTION_INSTANCE: 'numero1', JOB_TIMEOUT: '5', JOB_SCHEDULE_OVERRIDES: 'temperature_decay=1s' },
      ),
    );
    const workers = fleet.workers;
    const at = (instant: number) => instant - testStart;
    const exits: string[] = [];
    for (const worker of workers)
      void worker.process.exited.then((code) =>
        exits.push(`${worker.name} exited with ${code ?? worker.process.exitSignal} at ${at(Date.now())}`),
      );
    watch = new HealthWatch(workers);
    flow = new SteadyFlow(pool!, 'outage', ROWS_PER_SECOND);
    await waitUntil('first sends', () => provider.requests.length >= 2 * ROWS_PER_SECOND, 30_000, 100);

    // Phase 1: Redis SIGKILLed for 20 s
    await redis.stop();
    const redisDownAt = Date.now();
    // sends already past their rate-limit reservation finish; nothing may start after them
    const sentBeforeRedisOutage = await waitForQuiet(provider, 2 * SECOND, 15 * SECOND);
    const redisReason = (sample: HealthSample | undefined) =>
      sample !== undefined &&
      sample.at >= redisDownAt &&
      sample.status === 503 &&
      sample.body?.fila_worker === 'stale' &&
      /Redis unreachable/.test(String(detail(sample, 'fila_worker', 'message')));
    await waitUntil(
      'every replica answers 503 because Redis is unreachable',
      () => workers.every((worker) => redisReason(watch!.latest(worker.name))),
      15 * SECOND,
      100,
    ).catch(withLatestHealth(watch, workers));
    await sleep(Math.max(0, redisDownAt + REDIS_OUTAGE_MS - Date.now()));
    const sentDuringRedisOutage = provider.requests.length - sentBeforeRedisOutage;
    const redisOutageStatuses = await statusCounts(pool!);
    const exitsDuringRedisOutage = [...exits];

    await redis.start();
    const redisBackAt = Date.now();
    const requestsAtRedisBack = provider.requests.length;
    const redisResumeMs = await waitUntil(
      'sending resumes after Redis is back',
      () => provider.requests.length > requestsAtRedisBack,
      30 * SECOND,
      20,
    );
    await waitUntil(
      'every replica answers 200 after Redis is back',
      () => workers.every((worker) => watch!.firstAfter(worker.name, redisBackAt, isHealthy) !== null),
      30 * SECOND,
      100,
    ).catch(withLatestHealth(watch, workers));

    // Phase 2: PostgreSQL stopped as in a crash while a send is in flight, down a few seconds, started
    // again; that send's result can only be written once the server is back
    provider.respondAlways(fakeReply.ok(undefined, IN_FLIGHT_REPLY_MS));
    const requestsBeforeStop = provider.requests.length;
    await waitUntil('a send in flight', () => provider.requests.length > requestsBeforeStop, 15 * SECOND, 10);
    await flow.pause();
    const postgresStoppingAt = Date.now();
    await postgres.stop();
    const postgresDownAt = Date.now();
    provider.respondAlways(fakeReply.ok());
    const requestsAtPostgresDown = provider.requests.length;
    const databaseDown = (sample: HealthSample | undefined) =>
      sample !== undefined &&
      sample.at >= postgresStoppingAt &&
      sample.status === 503 &&
      detail(sample, 'database', 'status') === 'down';
    await waitUntil(
      'every replica answers 503 because the database is down',
      () => workers.every((worker) => databaseDown(watch!.latest(worker.name))),
      15 * SECOND,
      100,
    ).catch(withLatestHealth(watch, workers));
    await sleep(Math.max(0, postgresDownAt + POSTGRES_OUTAGE_MS - Date.now()));
    const sentDuringPostgresOutage = provider.requests.length - requestsAtPostgresDown;
    const exitsDuringPostgresOutage = [...exits];

    await postgres.start();
    const postgresBackAt = Date.now();
    flow.resume();
    const requestsAtPostgresBack = provider.requests.length;
    const postgresResumeMs = await waitUntil(
      'sending resumes after PostgreSQL is back',
      () => provider.requests.length > requestsAtPostgresBack,
      30 * SECOND,
      20,
    );
    await waitUntil(
      'every replica answers 200 after PostgreSQL is back',
      () => workers.every((worker) => watch!.firstAfter(worker.name, postgresBackAt, isHealthy) !== null),
      30 * SECOND,
      100,
    ).catch(withLatestHealth(watch, workers));
    const ticksAgainMs = await waitUntil(
      'scheduled jobs tick again after PostgreSQL is back',
      async () => (await successfulRunsSince(pool!, postgresBackAt)).size === TICKING_JOBS.length,
      30 * SECOND,
      250,
    );

    // the flow goes on for a while after the recovery, then the queue must drain
    await sleep(5 * SECOND);
    await flow.stop();
    const flowStoppedAt = Date.now();
    const drainMs = await waitUntil(
      'every row final',
      async () => {
        const counts = await statusCounts(pool!);
        return (counts.pendente ?? 0) + (counts.processando ?? 0) === 0;
      },
      90 * SECOND,
      250,
    );
    await waitForQuiet(provider, SECOND, 10 * SECOND);
    await watch.stop();
    const live = fleet.live().map((worker) => worker.name);
    const logDir = saveLogs(workers);

    const check = new Client({ connectionString: db!.url });
    await check.connect();
    try {
      const { rows } = await check.query<{ conteudo: string; status: string; erro: string | null }>(
        'SELECT conteudo, status, erro FROM fila_mensagens',
      );
      const byText = new Map(rows.map((row) => [row.conteudo, row]));
      const received = receivedTexts(provider);
      const missing = flow.enqueued.filter((text) => !byText.has(text));
      const notSent = rows.filter((row) => row.status !== 'enviada');
      const sentNotOnce = rows.filter(
        (row) => row.status === 'enviada' && received.counts.get(row.conteudo) !== 1,
      );
      const { rows: history } = await check.query<{ status: string; error: string | null; n: number }>(
        `SELECT status, error, count(*)::int AS n FROM job_executions
          WHERE started_at BETWEEN $1 AND $2 GROUP BY 1, 2 ORDER BY 1, 2`,
        [new Date(postgresStoppingAt - 2 * SECOND), new Date(postgresBackAt + 2 * SECOND)],
      );
      // a run cut by the outage must still get its real status, not stay `running` or pass for a dead process
      const { rows: unclosed } = await check.query<{
        job_name: string;
        status: string;
        error: string | null;
      }>(
        `SELECT job_name, status, error FROM job_executions
          WHERE started_at < $1 AND (status = 'running' OR error LIKE 'orphaned%')`,
        [new Date(flowStoppedAt)],
      );
      // while the server was down each replica said so in words, not with Prisma's call site
      const saidDatabaseUnreachable = Object.fromEntries(
        workers.map((worker) => [
          worker.name,
          watch!.firstAfter(
            worker.name,
            postgresDownAt,
            (sample) =>
              sample.at < postgresBackAt &&
              sample.status === 503 &&
              /^database unreachable/.test(String(detail(sample, 'database', 'message'))) &&
              /^database unreachable/.test(String(detail(sample, 'fila_worker', 'message'))),
          ) !== null,
        ]),
      );
      const healthyAgainAt = Math.max(
        ...workers.map((worker) => watch!.firstAfter(worker.name, postgresBackAt, isHealthy)!.at),
      );
      const audits = [];
      for (const job of TICKING_JOBS) {
        const after = (await tickRows(check, job)).filter((row) => row.dueAt >= postgresBackAt);
        audits.push(auditTicks(job, after, SECOND, healthyAgainAt + 2 * SECOND, flowStoppedAt));
      }

      const figures = {
        replicas: REPLICAS,
        enqueued: flow.enqueued.length,
        // inserts the test retried (a pooled connection broken by the restart)
        failed_inserts: flow.failedInserts,
        redis: {
          outage_ms: redisBackAt - redisDownAt,
          sent_before_outage: sentBeforeRedisOutage,
          sent_during_outage: sentDuringRedisOutage,
          statuses_at_end_of_outage: redisOutageStatuses,
          first_send_after_back_ms: redisResumeMs,
          healthy_again_after_back_ms: recoveryByReplica(watch, workers, redisBackAt),
        },
        postgres: {
          outage_ms: postgresBackAt - postgresDownAt,
          sent_during_outage: sentDuringPostgresOutage,
          first_send_after_back_ms: postgresResumeMs,
          healthy_again_after_back_ms: recoveryByReplica(watch, workers, postgresBackAt),
          jobs_tick_again_after_back_ms: ticksAgainMs,
          said_database_unreachable: saidDatabaseUnreachable,
          job_executions_around_outage: history,
          runs_left_unclosed: unclosed,
        },
        unhealthy_windows_ms: Object.fromEntries(
          workers.map((worker) => [
            worker.name,
            watch!.unhealthyWindows(worker.name).map((window) => ({
              from: at(window.from),
              to: window.to === null ? null : at(window.to),
              why: whyUnhealthy(watch!.firstAfter(worker.name, window.from, (s) => s.status !== 200)),
            })),
          ]),
        ),
        timeline_ms: {
          redis_down: at(redisDownAt),
          redis_back: at(redisBackAt),
          postgres_down: at(postgresDownAt),
          postgres_back: at(postgresBackAt),
        },
        drain_after_flow_stopped_ms: drainMs,
        requests: received.total,
        distinct_texts: received.distinct,
        duplicates: received.duplicates,
        statuses: countBy(rows.map((row) => row.status)),
        not_sent: notSent.slice(0, 10),
        scheduler_after_recovery: audits.map((audit) => ({
          job: audit.job,
          ticks: audit.ticks,
          gaps: audit.gaps.length,
          statuses: audit.statuses,
          lag_p50_ms: audit.lagP50Ms,
          lag_p99_ms: audit.lagP99Ms,
        })),
        writes_retried: Object.fromEntries(
          workers.map((worker) => [
            worker.name,
            worker.process.lines().filter((line) => /write failed; retrying/.test(String(line.msg))).length,
          ]),
        ),
        error_lines: Object.fromEntries(
          workers.map((worker) => [
            worker.name,
            worker.process.lines().filter((line) => line.level === 'ERROR').length,
          ]),
        ),
        exits,
        logs: logDir,
      };
      console.log(`outage fault figures\n${JSON.stringify(figures, null, 2)}`);

      expect(exitsDuringRedisOutage).toEqual([]);
      expect(exitsDuringPostgresOutage).toEqual([]);
      expect(live).toEqual(workers.map((worker) => worker.name));
      expect(sentDuringRedisOutage).toBe(0);
      expect(Object.values(saidDatabaseUnreachable)).toEqual(workers.map(() => true));
      expect(redisResumeMs).toBeLessThanOrEqual(RESUME_WITHIN_MS);
      expect(postgresResumeMs).toBeLessThanOrEqual(RESUME_WITHIN_MS);
      for (const worker of workers)
        expect({ worker: worker.name, unexpected: watch.unexpectedAnswers(worker.name) }).toEqual({
          worker: worker.name,
          unexpected: [],
        });
      expect(missing).toEqual([]);
      expect(rows.length).toBe(flow.enqueued.length);
      expect(notSent).toEqual([]);
      expect(received.duplicates).toBe(0);
      expect(sentNotOnce).toEqual([]);
      expect(unclosed).toEqual([]);
      for (const audit of audits)
        expect({ job: audit.job, gaps: audit.gaps }).toEqual({ job: audit.job, gaps: [] });
    } finally {
      await check.end();
    }

    for (const worker of workers) worker.process.kill('SIGTERM');
    const exitCodes = await Promise.all(workers.map((worker) => worker.process.exited));
    expect(exitCodes).toEqual(workers.map(() => 0));
  }, 300_000);
});

/** every replica's output, for reading after a failure */
function saveLogs(workers: ReadonlyArray<{ name: string; process: { output: string } }>): string {
  const dir = join(tmpdir(), `whats-workers-outage-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  for (const worker of workers) writeFileSync(join(dir, `${worker.name}.log`), worker.process.output);
  return dir;
}

function isHealthy(sample: HealthSample): boolean {
  return sample.status === 200;
}

function detail(sample: HealthSample, check: string, field: string): unknown {
  const details = sample.body?.details as Record<string, Record<string, unknown>> | undefined;
  return details?.[check]?.[field];
}

function whyUnhealthy(sample: HealthSample | null): string | null {
  if (!sample) return null;
  if (sample.status === null) return 'no answer';
  const reasons = ['database', 'scheduler', 'fila_worker']
    .filter((check) => detail(sample, check, 'status') === 'down')
    .map(
      (check) => `${check}: ${String(detail(sample, check, 'message') ?? detail(sample, check, 'state'))}`,
    );
  return reasons.join('; ') || `status ${sample.status}`;
}

function recoveryByReplica(
  watch: HealthWatch,
  workers: ReadonlyArray<{ name: string }>,
  backAt: number,
): Record<string, number | null> {
  return Object.fromEntries(
    workers.map((worker) => {
      const healthy = watch.firstAfter(worker.name, backAt, isHealthy);
      return [worker.name, healthy ? healthy.at - backAt : null];
    }),
  );
}

function withLatestHealth(watch: HealthWatch, workers: ReadonlyArray<{ name: string }>) {
  return (error: Error): never => {
    const latest = workers.map((worker) => ({ worker: worker.name, ...watch.latest(worker.name) }));
    throw new Error(`${error.message}; latest answers: ${JSON.stringify(latest)}`, { cause: error });
  };
}

async function statusCounts(pool: Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM fila_mensagens GROUP BY status',
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** the ticking jobs with a successful scheduled run started after `since` */
async function successfulRunsSince(pool: Pool, since: number): Promise<Set<string>> {
  const { rows } = await pool.query<{ job_name: string }>(
    `SELECT DISTINCT job_name FROM job_executions
      WHERE job_name = ANY($1::text[]) AND status = 'success' AND due_at IS NOT NULL AND started_at > $2`,
    [TICKING_JOBS, new Date(since)],
  );
  return new Set(rows.map((row) => row.job_name));
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
