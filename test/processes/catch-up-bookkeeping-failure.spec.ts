import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ServiceProcess, waitForHealthy } from '../utils/service-process';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

// main.ts awaits JobScheduler.start(), whose catch-up records each cron job's last due time after the clock
// is armed and after earlier jobs' catch-up runs have begun. A statement of that bookkeeping failing (the
// database failing over in the first seconds after boot) rejected start(), and main.ts exited 1 at once:
// the catch-up runs in flight were cut off (rows left `running`, locks held) and their due time was already
// claimed, so the restarted service did not catch them up again: the missed run was lost.
describe('a catch-up whose bookkeeping meets a database error', () => {
  let db: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('catch_up_bookkeeping');
  });
  afterAll(async () => {
    await service?.stop();
    await db.drop();
  });

  it('does not stop the service: the catch-up run already under way finishes', async () => {
    // shift_confirmation (*/30) last claimed 45 min ago: caught up on start; temperature_decay, listed after
    // it, has no due time yet, and recording its first one fails
    await db.sql.query(
      `INSERT INTO jobs_agendados (job_name, ultimo_vencimento_em) VALUES ('shift_confirmation', now() - interval '45 minutes')`,
    );
    await db.sql.query(`
      CREATE FUNCTION fail_due_time() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.job_name = 'temperature_decay' AND NEW.ultimo_vencimento_em IS NOT NULL THEN
          RAISE EXCEPTION 'simulated database failure';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_due_time BEFORE INSERT OR UPDATE ON jobs_agendados
        FOR EACH ROW EXECUTE FUNCTION fail_due_time();`);

    const port = await freePort();
    service = new ServiceProcess({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: `catch-up-bookkeeping:${randomUUID().slice(0, 8)}:`,
      PORT: String(port),
    });
    await service.waitForLog((line) => line.msg === 'catching up a missed run', 30_000);
    const stopped = await Promise.race([
      service.exited.then(() => true),
      sleep(5_000, false, { ref: false }),
    ]);

    expect({ stopped, output: stopped ? service.output.split('\n').slice(-5) : [] }).toEqual({
      stopped: false,
      output: [],
    });
    await waitForHealthy(port, 10_000);
    const { rows } = await db.sql.query<{ status: string }>(
      `SELECT status FROM job_executions WHERE job_name = 'shift_confirmation' AND trigger = 'catch_up'`,
    );
    expect(rows).toEqual([{ status: 'success' }]);
    service.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 90_000);
});
