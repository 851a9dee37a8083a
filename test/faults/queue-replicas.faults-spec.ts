import { Redis } from 'ioredis';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import {
  enqueueReplies,
  queueReplicaEnv,
  receivedTexts,
  rowsByText,
  statusCounts,
  waitUntil,
} from '../processes/queue-fixture';
import { WorkerFleet, type Worker } from '../processes/worker-fleet';
import { testRedisPrefix } from '../utils/test-context';
import {
  createTestDatabase,
  emptyQueueTables,
  testRedisUrl,
  type TestDatabase,
} from '../utils/test-database';
import { HealthSampler } from './health-sampler';
import { queueLockHolder } from './queue-lock-holder';
import { auditTicks, tickRows } from './tick-audit';

// Issue 7, scenarios 2 and 3: the outbound queue on three `node dist/main` replicas while replicas die
// (kill -9, then restarted) or are replaced one by one (a deploy's SIGTERM). The provider is a real HTTP
// server that answers slowly, so sends are in flight when the replica goes.

const ROWS = 2000;
const CONCURRENCY = 10;
const JOB_TIMEOUT_S = 5;
const GRACE_S = 3;
// JobScheduler.onModuleDestroy: after the grace period the runs are aborted and get 5 s more, so the
// sends in flight land and are recorded before the connections close
const ABORTED_RUN_DRAIN_S = 5;
// FilaService reclaims a dead replica's `processando` rows after JOB_TIMEOUT + STUCK_MARGIN_MS
const RECLAIM_AFTER_MS = JOB_TIMEOUT_S * 1000 + 60_000;
const SEND_UNKNOWN = /^send_outcome_unknown/;

describe('fila_worker across three replicas under faults', () => {
  let db: TestDatabase;
  let evolution: FakeEvolutionServer;
  let redis: Redis | undefined;
  let fleet: WorkerFleet | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(`faults_queue_${process.pid}`);
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
    redis?.disconnect();
    redis = undefined;
    await evolution.close();
    await emptyQueueTables(db.sql);
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function startFleet(extra: Record<string, string> = {}): Promise<WorkerFleet> {
    const prefix = testRedisPrefix('faults-queue');
    redis = new Redis(testRedisUrl, { keyPrefix: prefix, lazyConnect: true });
    await redis.connect();
    return WorkerFleet.start(
      3,
      queueReplicaEnv(
        { databaseUrl: db.url, redisUrl: testRedisUrl, redisPrefix: prefix, providerUrl: evolution.url },
        { JOB_TIMEOUT: String(JOB_TIMEOUT_S), WORKER_CONCURRENCY: String(CONCURRENCY), ...extra },
      ),
    );
  }

  /** waits until no row is `pendente`/`processando`; on timeout the error lists what is left */
  async function waitForAllFinal(what: string, timeoutMs: number): Promise<void> {
    await waitUntil(what, async () => (await unfinished()) === 0, timeoutMs, 500).catch(
      async (error: Error) => {
        const { rows } = await db.sql.query(
          `SELECT status, erro, tentativas, count(*)::int AS n FROM fila_mensagens
          WHERE status IN ('pendente', 'processando') GROUP BY 1, 2, 3`,
        );
        throw new Error(`${error.message}; rows left: ${JSON.stringify(rows)}`, { cause: error });
      },
    );
  }

  /** waits for a process_queue run that started after `since` to finish successfully: polling again */
  async function waitForSuccessfulPoll(since: number, timeoutMs: number): Promise<void> {
    await waitUntil(
      'a successful process_queue run',
      async () => {
        const { rows } = await db.sql.query(
          `SELECT 1 FROM job_executions
            WHERE job_name = 'process_queue' AND status = 'success' AND started_at > $1`,
          [new Date(since)],
        );
        return rows.length > 0;
      },
      timeoutMs,
      250,
    );
  }

  const unfinished = async () => {
    const counts = await statusCounts(db.sql);
    return (counts.pendente ?? 0) + (counts.processando ?? 0);
  };

  /**
   * Waits for a send to reach the provider and returns the replica that made it (the process_queue
   * lock holder): its wave is in flight for the provider's whole delay. Only `among` are considered.
   */
  async function replicaSendingNow(
    among: () => readonly Worker[],
    withinMs: number,
  ): Promise<Worker | undefined> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const seen = evolution.requests.length;
      const arrived = await waitUntil(
        'the next send',
        () => evolution.requests.length > seen,
        Math.max(1, deadline - Date.now()),
        5,
      ).then(
        () => true,
        () => false,
      );
      if (!arrived) return undefined;
      const holder = await queueLockHolder(redis!, db.sql, fleet!.workers);
      if (holder && among().includes(holder)) return holder;
    }
    return undefined;
  }

  async function queueLag(): Promise<{
    p50_ms: number | null;
    p99_ms: number | null;
    duplicateTicks: number;
    statuses: Record<string, number>;
  }> {
    const rows = await tickRows(db.sql, 'process_queue');
    const audit = auditTicks('process_queue', rows, 1000, rows[0].dueAt, rows[rows.length - 1].dueAt);
    return {
      p50_ms: audit.lagP50Ms,
      p99_ms: audit.lagP99Ms,
      duplicateTicks: audit.duplicates.length,
      statuses: audit.statuses,
    };
  }

  it('2 000 rows, the sending replica killed with -9 mid-run and restarted: every row final, none lost, doubt only as send_outcome_unknown', async () => {
    const delayMs = 50;
    evolution.respondAlways(fakeReply.ok(undefined, delayMs));
    const startedAt = Date.now();
    fleet = await startFleet();
    const fleetUpMs = Date.now() - startedAt;
    await enqueueReplies(db.sql, 'kill9', ROWS);
    const enqueuedAt = Date.now();
    await waitUntil('sends under way', () => evolution.requests.length >= 3 * CONCURRENCY, 30_000, 20);

    const victim = await replicaSendingNow(() => fleet!.workers, 20_000);
    expect(victim).toBeDefined();
    victim!.process.kill('SIGKILL');
    const killedAt = Date.now();
    await victim!.process.exited;
    const receivedAtKill = evolution.requests.length;
    const firstSendByAnother = waitUntil(
      'first send by another replica',
      () => evolution.requests.length > receivedAtKill,
      60_000,
      20,
    ).then(() => Date.now() - killedAt);
    // the dead replica's wave: named by a send-started mark made since its claim, outcome never written
    const { rows: doubtRows } = await db.sql.query<{ conteudo: string }>(
      `SELECT f.conteudo FROM fila_mensagens f
        WHERE f.status = 'processando'
          AND EXISTS (SELECT 1 FROM fila_envios_iniciados m
                       WHERE f.id = ANY(m.fila_ids) AND m.iniciado_em >= f.processando_desde)`,
    );
    const inDoubt = new Set(doubtRows.map((row) => row.conteudo));
    const statusesAtKill = await statusCounts(db.sql);

    const restartStarted = Date.now();
    const restarted = await fleet.restart(victim!);
    const restartHealthyMs = Date.now() - restartStarted;
    const recoveryMs = await firstSendByAnother;

    // once polling again, the replicas must report the queue healthy while it drains the backlog
    await waitForSuccessfulPoll(killedAt, 30_000);
    const healthWhileDraining = new HealthSampler(fleet);
    // the dead replica's rows wait JOB_TIMEOUT + 60 s for the reaper, then one more poll
    await waitForAllFinal('every row final', RECLAIM_AFTER_MS + 30_000);
    const drainMs = Date.now() - killedAt;
    const healthAnswers = await healthWhileDraining.stop();
    const finishedRuns = fleet.finishedRuns();
    for (const worker of fleet.workers) worker.process.kill('SIGTERM');
    const exitCodes = await Promise.all(fleet.workers.map((worker) => worker.process.exited));

    const received = receivedTexts(evolution);
    const byText = await rowsByText(db.sql);
    const flagged = [...byText].filter(([, row]) => row.status === 'erro').map(([text]) => text);
    const sentTwice = [...received.counts].filter(([, n]) => n > 1).map(([text]) => text);
    const { rows: requeued } = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM fila_mensagens WHERE status = 'enviada' AND tentativas = 1`,
    );
    const lag = await queueLag();
    const figures = {
      rows: ROWS,
      provider_delay_ms: delayMs,
      fleet_up_ms: fleetUpMs,
      victim: victim!.name,
      received_at_kill: receivedAtKill,
      statuses_at_kill: statusesAtKill,
      in_doubt_at_kill: inDoubt.size,
      recovery_ms_kill_to_first_send_by_another: recoveryMs,
      restarted_healthy_ms: restartHealthyMs,
      drain_ms_after_kill: drainMs,
      drain_ms_after_enqueue: Date.now() - enqueuedAt,
      requests: received.total,
      distinct_texts: received.distinct,
      duplicates: received.duplicates,
      flagged_unknown: flagged.length,
      flagged_unknown_never_sent: flagged.filter((text) => !received.counts.has(text)).length,
      requeued_by_reaper_then_sent: requeued[0].n,
      statuses: await statusCounts(db.sql),
      process_queue_runs: lag.statuses,
      health_answers_while_draining: healthAnswers,
      finished_runs: finishedRuns,
      scheduler_lag_process_queue: { p50_ms: lag.p50_ms, p99_ms: lag.p99_ms },
      exit_codes: Object.fromEntries(fleet.workers.map((worker, i) => [worker.name, exitCodes[i]])),
    };
    console.log(`queue kill -9 figures\n${JSON.stringify(figures, null, 2)}`);

    // none lost: every row is there and final
    expect(byText.size).toBe(ROWS);
    expect(Object.keys(figures.statuses).sort()).toEqual(flagged.length ? ['enviada', 'erro'] : ['enviada']);
    // a sent row reached the provider exactly once; the provider got nothing that is not a row
    for (const [text, row] of byText)
      if (row.status === 'enviada') expect([text, received.counts.get(text)]).toEqual([text, 1]);
    expect([...received.counts.keys()].filter((text) => !byText.has(text))).toEqual([]);
    // at most the wave in flight can be in doubt, and all of it is flagged for the operator
    expect(inDoubt.size).toBeGreaterThan(0);
    expect(inDoubt.size).toBeLessThanOrEqual(CONCURRENCY);
    expect(received.duplicates).toBeLessThanOrEqual(CONCURRENCY);
    expect(flagged.sort()).toEqual([...inDoubt].sort());
    for (const text of [...flagged, ...sentTwice])
      expect([text, byText.get(text)?.status, byText.get(text)?.erro]).toEqual([
        text,
        'erro',
        expect.stringMatching(SEND_UNKNOWN),
      ]);
    expect(lag.duplicateTicks).toBe(0);
    expect(healthAnswers).toEqual({ '200:healthy': expect.any(Number) });
    // the restarted replica became healthy (restart() waits for 200) and stops cleanly
    expect(restarted.process.exitSignal).toBeNull();
    expect(exitCodes).toEqual([0, 0, 0]);
  }, 240_000);

  it('rolling restart by SIGTERM, one replica at a time: each exits 0 within the grace period, no duplicate, all 2 000 sent', async () => {
    const delayMs = 150;
    evolution.respondAlways(fakeReply.ok(undefined, delayMs));
    const startedAt = Date.now();
    fleet = await startFleet({ SHUTDOWN_GRACE_PERIOD: String(GRACE_S) });
    const fleetUpMs = Date.now() - startedAt;
    await enqueueReplies(db.sql, 'rolling', ROWS);
    const enqueuedAt = Date.now();
    await waitUntil('sends under way', () => evolution.requests.length >= 3 * CONCURRENCY, 30_000, 20);

    const originals = [...fleet.workers];
    const steps: Array<{
      replica: string;
      sending_when_signalled: boolean;
      exit_code: number | null;
      exit_ms: number;
      aborted_after_grace: boolean;
      replacement_healthy_ms: number;
    }> = [];
    for (let step = 0; step < originals.length; step++) {
      const remaining = () => originals.filter((worker) => worker.process.isRunning());
      // hit the replica that is sending when one of the remaining originals is; otherwise the next in line
      const sending = await replicaSendingNow(remaining, 8_000);
      const target = sending ?? remaining()[0];
      target.process.kill('SIGTERM');
      const signalledAt = Date.now();
      const code = await target.process.exited;
      const exitMs = Date.now() - signalledAt;
      const replacementStarted = Date.now();
      await fleet.restart(target);
      steps.push({
        replica: target.name,
        sending_when_signalled: sending !== undefined,
        exit_code: code,
        exit_ms: exitMs,
        aborted_after_grace: target.process
          .lines()
          .some((line) => line.msg === 'grace period over: aborting running jobs'),
        replacement_healthy_ms: Date.now() - replacementStarted,
      });
    }
    const rollingMs = Date.now() - enqueuedAt;
    const unfinishedAfterRolling = await unfinished();

    // the runs the SIGTERMs interrupted are not successful polls; from the next one on, the replicas must
    // report the queue healthy while it drains the backlog
    await waitForSuccessfulPoll(Date.now(), 30_000);
    const healthWhileDraining = new HealthSampler(fleet);
    // a row a stopped replica left in `processando` would wait JOB_TIMEOUT + 60 s for the reaper
    await waitForAllFinal('every row sent', RECLAIM_AFTER_MS);
    const drainMs = Date.now() - enqueuedAt;
    const healthAnswers = await healthWhileDraining.stop();
    for (const worker of fleet.workers) worker.process.kill('SIGTERM');
    const finalExitCodes = await Promise.all(fleet.workers.map((worker) => worker.process.exited));

    const received = receivedTexts(evolution);
    const counts = await statusCounts(db.sql);
    const { rows: retried } = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM fila_mensagens WHERE tentativas > 0`,
    );
    const lag = await queueLag();
    const figures = {
      rows: ROWS,
      provider_delay_ms: delayMs,
      fleet_up_ms: fleetUpMs,
      grace_s: GRACE_S,
      exit_bound_ms: (GRACE_S + ABORTED_RUN_DRAIN_S) * 1000,
      steps,
      rolling_restart_ms: rollingMs,
      unfinished_after_rolling_restart: unfinishedAfterRolling,
      drain_ms_after_enqueue: drainMs,
      requests: received.total,
      distinct_texts: received.distinct,
      duplicates: received.duplicates,
      rows_with_an_attempt_counted: retried[0].n,
      statuses: counts,
      process_queue_runs: lag.statuses,
      health_answers_after_rolling_restart: healthAnswers,
      finished_runs: fleet.finishedRuns(),
      scheduler_lag_process_queue: { p50_ms: lag.p50_ms, p99_ms: lag.p99_ms },
      final_exit_codes: finalExitCodes,
    };
    console.log(`queue rolling restart figures\n${JSON.stringify(figures, null, 2)}`);

    for (const step of steps) {
      expect({ replica: step.replica, exit_code: step.exit_code }).toEqual({
        replica: step.replica,
        exit_code: 0,
      });
      expect(step.exit_ms).toBeLessThan(figures.exit_bound_ms);
    }
    // at least one SIGTERM landed on a replica with sends in flight, and sending outlasted the restart
    expect(steps.some((step) => step.sending_when_signalled)).toBe(true);
    expect(unfinishedAfterRolling).toBeGreaterThan(0);
    expect(counts).toEqual({ enviada: ROWS });
    expect(received).toMatchObject({ total: ROWS, distinct: ROWS, duplicates: 0 });
    // nothing was abandoned in `processando` and reclaimed: no row had an attempt counted
    expect(retried[0].n).toBe(0);
    // the queue kept polling successfully through the drain: no replica reported fila_worker stale
    expect(healthAnswers).toEqual({ '200:healthy': expect.any(Number) });
    expect(lag.duplicateTicks).toBe(0);
    expect(finalExitCodes).toEqual([0, 0, 0]);
  }, 240_000);
});
