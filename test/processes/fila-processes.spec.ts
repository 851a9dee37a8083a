import { setTimeout as sleep } from 'node:timers/promises';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import { PrivateRedis } from '../utils/private-redis';
import { runCommand, summaryOf } from '../utils/run-command';
import { testRedisPrefix } from '../utils/test-context';
import {
  createTestDatabase,
  emptyQueueTables,
  testRedisUrl,
  type TestDatabase,
} from '../utils/test-database';
import {
  enqueueReplies,
  queueReplicaEnv,
  receivedTexts,
  rowsByText,
  statusCounts,
  waitForQuiet,
  waitUntil,
} from './queue-fixture';
import { WorkerFleet } from './worker-fleet';

// Process-level guarantees of fila_worker (issue 3): several `node dist/main` replicas on one database
// and one Redis, a WhatsApp provider played by a real HTTP server, and the failures operators meet —
// a replica killed, Redis lost, a deploy's SIGTERM. Each test prints its figures.

const CONCURRENCY = 10;
const JOB_TIMEOUT_S = 5;

describe('fila_worker as real processes', () => {
  let db: TestDatabase;
  let evolution: FakeEvolutionServer;
  let fleet: WorkerFleet | undefined;

  beforeAll(async () => {
    // unique per run: `jest test/fila` (another file's pattern) also matches this folder
    db = await createTestDatabase(`fila_processes_${process.pid}`);
  });
  beforeEach(async () => {
    evolution = await new FakeEvolutionServer({
      apiKey: 'evo-key',
      instances: ['numero1', 'numero2'],
    }).start();
  });
  afterEach(async () => {
    await fleet?.stopAll();
    fleet = undefined;
    await evolution.close();
    await emptyQueueTables(db.sql);
  });
  afterAll(async () => {
    await db.drop();
  });

  function workerEnv(redisUrl: string, extra: Record<string, string> = {}): Record<string, string> {
    return queueReplicaEnv(
      {
        databaseUrl: db.url,
        redisUrl,
        redisPrefix: testRedisPrefix('fila-processes'),
        providerUrl: evolution.url,
      },
      { JOB_TIMEOUT: String(JOB_TIMEOUT_S), WORKER_CONCURRENCY: String(CONCURRENCY), ...extra },
    );
  }

  const unfinished = async () => {
    const counts = await statusCounts(db.sql);
    return (counts.pendente ?? 0) + (counts.processando ?? 0);
  };

  it('three replicas send each of 500 rows exactly once', async () => {
    fleet = await WorkerFleet.start(3, workerEnv(testRedisUrl));
    await enqueueReplies(db.sql, 'three', 500);
    const drainMs = await waitUntil('queue drained', async () => (await unfinished()) === 0, 60_000);

    const received = receivedTexts(evolution);
    const counts = await statusCounts(db.sql);
    const health = await fleet.health();
    console.log('three replicas, 500 rows', {
      drain_ms: drainMs,
      requests: received.total,
      distinct_texts: received.distinct,
      duplicates: received.duplicates,
      statuses: counts,
      finished_runs: fleet.finishedRuns(),
      // printed, not asserted: a replica that has not won the process_queue lock for 3 polls + JOB_TIMEOUT
      // reports itself stale (FilaHealth counts only its own polls), so the answer depends on who won
      health,
    });
    expect(received).toMatchObject({ total: 500, distinct: 500, duplicates: 0 });
    expect(counts).toEqual({ enviada: 500 });
  }, 120_000);

  it('three job processes with Redis locks of their own still take turns (the job_locks lease) and send each of 500 rows once', async () => {
    // Each process has a Redis prefix (so a Redis lock) of its own, as a process with another REDIS_URL, or
    // none, would: the process_queue lease in PostgreSQL still lets only one run at a time. (The claims'
    // own race, FOR UPDATE SKIP LOCKED, is tested in test/fila with replicas whose locks are independent.)
    evolution.respondAlways(fakeReply.ok(undefined, 100));
    await enqueueReplies(db.sql, 'race', 500);
    const launchedAt = new Date();
    const runs = await Promise.all(
      [1, 2, 3].map(() =>
        runCommand(
          process.execPath,
          ['dist/job', 'process_queue'],
          queueReplicaEnv(
            {
              databaseUrl: db.url,
              redisUrl: testRedisUrl,
              redisPrefix: testRedisPrefix('fila-processes-race'),
              providerUrl: evolution.url,
            },
            { WORKER_CONCURRENCY: '5', QUEUE_BATCH_SIZE: '10', LOG_LEVEL: 'warn' },
          ),
          120_000,
        ),
      ),
    );
    const summaries = runs.map((run): Record<string, unknown> => ({ code: run.code, ...summaryOf(run) }));
    const { rows: windows } = await db.sql.query<{ started_at: Date; finished_at: Date }>(
      `SELECT started_at, finished_at FROM job_executions
        WHERE job_name = 'process_queue' AND status = 'success' AND started_at >= $1 ORDER BY started_at`,
      [launchedAt],
    );
    const overlapping = windows.filter(
      (run, i) => i > 0 && run.started_at < windows[i - 1].finished_at,
    ).length;
    const received = receivedTexts(evolution);
    console.log('three job processes launched at once, 500 rows', {
      sent_by_process: summaries.map((summary) => summary.items_processed),
      statuses: summaries.map((summary) => summary.status),
      runs_overlapping_the_previous: overlapping,
      requests: received.total,
      duplicates: received.duplicates,
    });
    // each one ran after the other (or gave up waiting for the lock: exit 1, skipped), never beside it
    for (const summary of summaries)
      expect([
        { code: 0, status: 'success' },
        { code: 1, status: 'skipped' },
      ]).toContainEqual({ code: summary.code, status: summary.status });
    expect(overlapping).toBe(0);
    expect(summaries.reduce((sum, summary) => sum + Number(summary.items_processed), 0)).toBe(500);
    expect(received).toMatchObject({ total: 500, distinct: 500, duplicates: 0 });
    expect(await statusCounts(db.sql)).toEqual({ enviada: 500 });
  }, 150_000);

  it('kill -9 of the replica mid-batch: after the reaper no row is lost and none is sent twice', async () => {
    const rows = 300;
    // slow sends: a batch of 100 takes 10 chunks × 250 ms, so the kill lands inside one
    evolution.respondAlways(fakeReply.ok(undefined, 250));
    fleet = await WorkerFleet.start(3, workerEnv(testRedisUrl));
    await enqueueReplies(db.sql, 'kill', rows);
    await waitUntil('sends under way', () => evolution.requests.length >= 2 * CONCURRENCY + 5, 30_000, 20);
    const victim = fleet.runningQueueWorker();
    expect(victim).toBeDefined();
    victim!.process.kill('SIGKILL');
    const killedAt = Date.now();
    await victim!.process.exited;
    const receivedAtKill = evolution.requests.length;
    const inFlightAtKill = await statusCounts(db.sql);
    evolution.respondAlways(fakeReply.ok());

    // the dead replica's lock and its `processando` rows both wait JOB_TIMEOUT + 60 s
    await waitUntil('every row final', async () => (await unfinished()) === 0, 90_000, 500);
    const drainMs = Date.now() - killedAt;

    const received = receivedTexts(evolution);
    const byText = await rowsByText(db.sql);
    const unknown = [...byText.entries()].filter(([, row]) => row.status === 'erro');
    const unknownNeverSent = unknown.filter(([text]) => !received.counts.has(text)).length;
    console.log('kill -9 mid-batch', {
      rows,
      received_at_kill: receivedAtKill,
      statuses_at_kill: inFlightAtKill,
      time_to_drain_after_kill_ms: drainMs,
      requests: received.total,
      distinct_texts: received.distinct,
      duplicates: received.duplicates,
      flagged_unknown: unknown.length,
      flagged_unknown_never_sent: unknownNeverSent,
      statuses: await statusCounts(db.sql),
    });
    expect(byText.size).toBe(rows);
    expect(received.duplicates).toBe(0);
    for (const [text, row] of byText) {
      if (row.status === 'enviada') expect([text, received.counts.get(text)]).toEqual([text, 1]);
      else
        expect([text, row.status, row.erro]).toEqual([
          text,
          'erro',
          expect.stringMatching(/^send_outcome_unknown/),
        ]);
    }
    // only sends in flight when the replica died may be in doubt
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.length).toBeLessThanOrEqual(CONCURRENCY);
  }, 150_000);

  it('SIGTERM mid-batch: the replica exits 0 within the grace period and its rows are sent once by another', async () => {
    const rows = 300;
    const graceS = 2;
    evolution.respondAlways(fakeReply.ok(undefined, 250));
    const startedAt = new Date();
    fleet = await WorkerFleet.start(2, workerEnv(testRedisUrl, { SHUTDOWN_GRACE_PERIOD: String(graceS) }));
    await enqueueReplies(db.sql, 'sigterm', rows);
    await waitUntil('sends under way', () => evolution.requests.length >= 2 * CONCURRENCY + 5, 30_000, 20);
    const victim = fleet.runningQueueWorker();
    expect(victim).toBeDefined();
    victim!.process.kill('SIGTERM');
    const signalledAt = Date.now();
    const code = await victim!.process.exited;
    const exitMs = Date.now() - signalledAt;
    const receivedAtExit = evolution.requests.length;
    const aborted = victim!.process
      .lines()
      .some((line) => line.msg === 'grace period over: aborting running jobs');

    // a row the stopped replica left in `processando` would wait JOB_TIMEOUT + 60 s for the reaper
    const drainMs = await waitUntil(
      'the other replica sends the rest',
      async () => (await unfinished()) === 0,
      30_000,
    );
    const received = receivedTexts(evolution);
    const counts = await statusCounts(db.sql);
    const { rows: runs } = await db.sql.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM job_executions
        WHERE job_name = 'process_queue' AND started_at >= $1 GROUP BY 1`,
      [startedAt],
    );
    console.log('SIGTERM mid-batch', {
      rows,
      runs_by_status: runs,
      grace_s: graceS,
      exit_code: code,
      exit_ms_after_sigterm: exitMs,
      aborted_after_grace: aborted,
      received_at_exit: receivedAtExit,
      time_to_drain_after_exit_ms: drainMs,
      requests: received.total,
      duplicates: received.duplicates,
      statuses: counts,
    });
    expect(code).toBe(0);
    // told to stop, the run finishes its wave in flight (250 ms sends) and ends well inside the grace period
    expect(aborted).toBe(false);
    expect(exitMs).toBeLessThan(graceS * 1000);
    expect(runs.filter((run) => run.status !== 'success' && run.status !== 'skipped')).toEqual([]);
    expect(counts).toEqual({ enviada: rows });
    expect(received).toMatchObject({ total: rows, distinct: rows, duplicates: 0 });
  }, 120_000);

  describe('with Redis of its own', () => {
    const redis = new PrivateRedis();
    beforeAll(() => redis.start());
    afterAll(() => redis.dispose());

    it('Redis lost mid-run: nothing is sent or lost while it is down, and sending resumes when it is back', async () => {
      evolution.respondAlways(fakeReply.ok(undefined, 100));
      fleet = await WorkerFleet.start(2, workerEnv(redis.url));
      await enqueueReplies(db.sql, 'redis', 300);
      await waitUntil('sends under way', () => evolution.requests.length >= 30, 30_000, 20);
      await redis.stop();
      const stoppedAt = Date.now();
      // sends already reserved in Redis finish; nothing may start after them
      const sentBeforeOutage = await waitForQuiet(evolution, 2_000, 20_000);
      await enqueueReplies(db.sql, 'redis-during-outage', 20, 1000);
      let lastHealth: unknown;
      const staleAfterMs = await waitUntil(
        'every replica reports fila_worker stale',
        async () => {
          const health = await fleet!.health();
          lastHealth = health;
          return health.every((h) => h.status === 503 && h.fila_worker === 'stale');
        },
        20_000,
        250,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; last answers: ${JSON.stringify(lastHealth)}`, { cause: error });
      });
      await sleep(3_000);
      const sentDuringOutage = evolution.requests.length - sentBeforeOutage;
      const duringOutage = await statusCounts(db.sql);
      const healthDuringOutage = await fleet.health();

      await redis.start();
      const resumedAfterMs = await waitUntil(
        'queue drained after Redis is back',
        async () => (await unfinished()) === 0,
        30_000,
      );
      const received = receivedTexts(evolution);
      const counts = await statusCounts(db.sql);
      console.log('Redis stopped mid-run', {
        sent_before_outage: sentBeforeOutage,
        sent_during_outage: sentDuringOutage,
        outage_ms: Date.now() - stoppedAt - resumedAfterMs,
        stale_reported_after_ms: staleAfterMs,
        statuses_during_outage: duringOutage,
        health_during_outage: healthDuringOutage,
        time_to_drain_after_restart_ms: resumedAfterMs,
        requests: received.total,
        duplicates: received.duplicates,
        statuses: counts,
      });
      expect(sentDuringOutage).toBe(0);
      expect(duringOutage).toEqual({ enviada: sentBeforeOutage, pendente: 320 - sentBeforeOutage });
      expect(counts).toEqual({ enviada: 320 });
      expect(received).toMatchObject({ total: 320, distinct: 320, duplicates: 0 });
    }, 120_000);
  });
});
