import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import { enqueueReplies, queueReplicaEnv, statusCounts, waitUntil } from '../processes/queue-fixture';
import { projectRoot } from '../utils/run-command';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

// An operator runs `npm run job -- process_queue` by hand to push a backlog out and presses Ctrl-C
// (SIGINT), or the one-off container running it gets SIGTERM, a few sends in. The CLI runs the job through
// the service's runner, so it stops as the service does on SIGTERM: the sends in flight finish and are
// recorded, the rest of its claimed batch goes back to `pendente` untouched, its run is closed in
// `job_executions`, its JSON line is printed and it exits — nothing left `processando` for the reaper,
// no send whose outcome is unknown.

const ROWS = 60;

describe.each(['SIGINT', 'SIGTERM'] as const)('npm run job -- process_queue interrupted by %s', (signal) => {
  let db: TestDatabase;
  let evolution: FakeEvolutionServer;

  beforeAll(async () => {
    db = await createTestDatabase(`cli_interrupted_${signal.toLowerCase()}_${process.pid}`);
    evolution = await new FakeEvolutionServer({ apiKey: 'evo-key', instances: ['numero1'] }).start();
  });
  afterAll(async () => {
    await evolution.close();
    await db.drop();
  });

  it('stops like the service does: nothing left processando, no send_outcome_unknown, the run closed', async () => {
    await enqueueReplies(db.sql, 'cli', ROWS);
    // a provider that takes a second per message: the run is mid-batch when the operator interrupts it
    evolution.respondAlways(fakeReply.ok(undefined, 1_000));
    const env = queueReplicaEnv(
      {
        databaseUrl: db.url,
        redisUrl: testRedisUrl,
        redisPrefix: `test:cli-interrupted:${signal}:${process.pid}:`,
        providerUrl: evolution.url,
      },
      { EVOLUTION_INSTANCE: 'numero1', WORKER_CONCURRENCY: '4', LOG_LEVEL: 'info' },
    );
    const child = spawn(process.execPath, ['dist/job', 'process_queue'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, sig) => resolve({ code, signal: sig })),
    );

    await waitUntil('a few sends made', () => evolution.requests.length >= 8, 30_000, 20);
    child.kill(signal);
    const exit = await Promise.race([exited, sleep(30_000, null)]);
    if (exit === null) child.kill('SIGKILL');
    // the replies of the sends in flight land
    await sleep(1_500);

    const counts = await statusCounts(db.sql);
    const { rows: unknown } = await db.sql.query(
      `SELECT count(*)::int AS n FROM fila_mensagens WHERE status = 'processando' OR erro LIKE 'send_outcome_unknown%'`,
    );
    const { rows: runs } = await db.sql.query<{ status: string }>(
      `SELECT status FROM job_executions WHERE job_name = 'process_queue'`,
    );
    expect(exit).toEqual({ code: 0, signal: null }); // it exits within the grace period
    // its one JSON line says what it did
    expect(JSON.parse(stdout)).toMatchObject({
      job: 'process_queue',
      status: 'success',
      items_processed: evolution.requests.length,
      details: { stopped_for_shutdown: true, released: ROWS - evolution.requests.length },
    });
    // every message the provider received is recorded as sent, the rest is pendente: none in doubt
    expect(counts.processando ?? 0).toBe(0);
    expect(unknown[0].n).toBe(0);
    expect(counts.enviada ?? 0).toBe(evolution.requests.length);
    expect(counts.pendente ?? 0).toBe(ROWS - evolution.requests.length);
    // the run is closed, not left `running` for the reaper to call orphaned
    expect(runs.map((run) => run.status)).not.toContain('running');
  }, 90_000);
});
