import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ServiceProcess, waitForHealthy, workersHealth } from '../utils/service-process';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

// SPEC (Scheduler): a missed cron run is caught up once on start-up; README: the service keeps running
// through database trouble ("no process exits", test/faults/outages) and a failing tick is logged
// ("tick failed"), never fatal. JobScheduler.catchUp() hands the catch-up run to `track(this.runCatchUp(..))`
// with no catch: when that run throws (its markDue or its history insert meets a database error, e.g. a
// failover in the first seconds after boot), `tick.finally(...)` rejects unhandled and Node 20 kills the
// process. On Railway it restarts, catches up again, and can crash-loop.
describe('a catch-up run that meets a database error', () => {
  let db: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('catch_up_failure');
  });
  afterAll(async () => {
    await service?.stop();
    await db.drop();
  });

  it('is logged and the service keeps running (it must not die of an unhandled rejection)', async () => {
    // shift_confirmation (*/30) last claimed 45 min ago: its latest due time was missed -> catch-up on start
    await db.sql.query(
      `INSERT INTO jobs_agendados (job_name, ultimo_vencimento_em) VALUES ('shift_confirmation', now() - interval '45 minutes')`,
    );
    // the catch-up run's history insert fails, as any statement does while the database is failing over
    await db.sql.query(`
      CREATE FUNCTION fail_catch_up() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.trigger = 'catch_up' THEN RAISE EXCEPTION 'simulated database failure during catch-up'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_catch_up BEFORE INSERT ON job_executions
        FOR EACH ROW EXECUTE FUNCTION fail_catch_up();`);

    const port = await freePort();
    service = new ServiceProcess({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: `catch-up-failure:${randomUUID().slice(0, 8)}:`,
      PORT: String(port),
    });
    await service.waitForLog((line) => line.msg === 'catching up a missed run', 30_000);
    await sleep(5_000);

    const alive = service.isRunning();
    const health = alive ? await workersHealth(port) : null;
    if (!alive) console.log(service.output.split('\n').slice(-15).join('\n'));
    expect({ alive, exitCode: alive ? null : await service.exited }).toEqual({ alive: true, exitCode: null });
    expect(health?.status).toBe(200);
    await waitForHealthy(port, 5_000);
    service.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 90_000);
});
