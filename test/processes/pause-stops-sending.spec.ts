import { setTimeout as sleep } from 'node:timers/promises';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import { enqueueReplies, queueReplicaEnv, statusCounts, waitUntil } from './queue-fixture';
import { WorkerFleet } from './worker-fleet';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { workersHealth } from '../utils/service-process';

// An operator sees a wrong campaign going out and pauses the queue from the admin API
// (`POST /admin/jobs/process_queue/pause`, README "Pause and resume"): every replica's /health/workers
// says `fila_worker: "paused"` at once, and the runs under way must stop sending as well — at their next
// claim, the wave in flight finished, the rest back to `pendente` (as on SIGTERM) — not go on claiming
// full batches until the queue is empty or the run's budget is spent.

const TOKEN = 'pause-test-admin-token-0123456789';
const CONCURRENCY = 4;
const SETTLE_MS = 3_000;

describe('pausing process_queue while a large backlog is being sent (two replicas)', () => {
  let db: TestDatabase;
  let evolution: FakeEvolutionServer;
  let fleet: WorkerFleet | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(`pause_stops_sending_${process.pid}`);
    evolution = await new FakeEvolutionServer({
      apiKey: 'evo-key',
      instances: ['numero1', 'numero2'],
    }).start();
  });
  afterAll(async () => {
    await fleet?.stopAll();
    await evolution.close();
    await db.drop();
  });

  it('stops sending within a few seconds of the pause, on every replica, while health says paused', async () => {
    fleet = await WorkerFleet.start(
      2,
      queueReplicaEnv(
        {
          databaseUrl: db.url,
          redisUrl: testRedisUrl,
          redisPrefix: `test:pause-stops-sending:${process.pid}:`,
          providerUrl: evolution.url,
        },
        { ADMIN_TOKEN: TOKEN, WORKER_CONCURRENCY: String(CONCURRENCY), QUEUE_BATCH_SIZE: '20' },
      ),
    );
    // 200 ms per message: a batch of 20 takes about a second
    evolution.respondAlways(fakeReply.ok(undefined, 200));
    await enqueueReplies(db.sql, 'pause', 400);
    await waitUntil('the backlog is being sent', () => evolution.requests.length >= 20, 30_000, 20);

    const [first, second] = fleet.workers;
    const answer = await fetch(`http://127.0.0.1:${first.port}/admin/jobs/process_queue/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'x-operator': 'ops' },
    });
    expect(answer.status).toBe(200);
    const pausedAt = Date.now();

    // the waves in flight may finish; after that nothing more may leave
    await sleep(SETTLE_MS);
    await sleep(7_000);
    const sentLater = evolution.requests.filter(
      (request) => request.receivedAt > pausedAt + SETTLE_MS,
    ).length;
    const health = await workersHealth(second.port);
    const counts = await statusCounts(db.sql);
    expect(health?.body.fila_worker).toBe('paused');
    // the operator was told "paused": no message leaves once the waves in flight are done
    expect(sentLater).toBe(0);
    // and nothing is left claimed by a run that is no longer sending
    expect(counts.processando ?? 0).toBe(0);
  }, 120_000);
});
