import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { freePort, ServiceProcess, waitForHealthy } from '../utils/service-process';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

// SPEC (Scheduler): "SIGTERM: stop ticking, let running jobs finish up to a grace period, then abort them,
// release locks, close connections, exit 0." main.ts guards against a repeated signal (`if (closing) return`)
// but registers the handler with process.once: after the first SIGTERM no listener is left, so a second
// SIGTERM (or the second SIGINT a Ctrl-C under `npm start`/`nest start` delivers: the tty's and the
// wrapper's) takes Node's default action and kills the process mid-drain: exit by signal, the running
// job's row left `running` for the orphan reaper, its lock held until the lease runs out.
describe('a second SIGTERM while running jobs drain', () => {
  let db: TestDatabase;
  let blocker: Client;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('second_signal_drain');
  });
  afterAll(async () => {
    await blocker?.query('ROLLBACK').catch(() => undefined);
    await blocker?.end().catch(() => undefined);
    await service?.stop();
    await db.drop();
  });

  it('does not cut the drain short: the process still exits 0 and the run gets its final status', async () => {
    const port = await freePort();
    service = new ServiceProcess({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: `second-signal:${randomUUID().slice(0, 8)}:`,
      PORT: String(port),
      SHUTDOWN_GRACE_PERIOD: '3',
      JOB_SCHEDULE_OVERRIDES: 'shift_confirmation=1s',
    });
    await waitForHealthy(port);
    // a session holding vagas: the next shift_confirmation run waits on it (a slow statement)
    blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE vagas IN ACCESS EXCLUSIVE MODE');
    const waiting = async () =>
      (
        await db.sql.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [db.name],
        )
      ).rows[0].n > 0;
    const deadline = Date.now() + 10_000;
    while (!(await waiting())) {
      if (Date.now() > deadline) throw new Error('shift_confirmation never waited on the lock');
      await sleep(50);
    }

    service.kill('SIGTERM');
    await service.waitForLog((line) => line.msg === 'waiting for running jobs', 5_000);
    service.kill('SIGTERM'); // e.g. a supervisor repeating the signal, or Ctrl-C twice through a wrapper
    const code = await service.exited;

    expect({ code, signal: service.exitSignal }).toEqual({ code: 0, signal: null });
    const { rows } = await db.sql.query(
      `SELECT count(*)::int AS n FROM job_executions WHERE job_name = 'shift_confirmation' AND status = 'running'`,
    );
    expect(rows[0].n).toBe(0);
  }, 60_000);
});
