import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ServiceProcess } from '../utils/service-process';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

// main.ts installed its SIGTERM handler only once JobScheduler.start() had returned, but start() arms the
// clock and begins the catch-up runs before it returns, and its catch-up waits out a database that is
// restarting. A deploy's SIGTERM in that window met no handler: the process died of the signal (as PID 1 in
// a container it ignored it until SIGKILL), cutting off the catch-up runs already under way.
describe('SIGTERM while the scheduler is still starting', () => {
  let db: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('signal_during_start');
  });
  afterAll(async () => {
    await service?.stop();
    await db.drop();
  });

  it('drains like any shutdown: exit 0, the catch-up run under way recorded as finished', async () => {
    // shift_confirmation (*/30) is caught up on start; recording temperature_decay's first due time then meets
    // a database that says it is shutting down (57P01), which start-up waits out for up to 10 s
    await db.sql.query(
      `INSERT INTO jobs_agendados (job_name, ultimo_vencimento_em) VALUES ('shift_confirmation', now() - interval '45 minutes')`,
    );
    await db.sql.query(`
      CREATE FUNCTION restarting() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.job_name = 'temperature_decay' AND NEW.ultimo_vencimento_em IS NOT NULL THEN
          RAISE EXCEPTION 'the database system is shutting down' USING ERRCODE = '57P01';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER restarting BEFORE INSERT OR UPDATE ON jobs_agendados
        FOR EACH ROW EXECUTE FUNCTION restarting();`);

    service = new ServiceProcess({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: `signal-during-start:${randomUUID().slice(0, 8)}:`,
      PORT: String(await freePort()),
    });
    await service.waitForLog((line) => line.msg === 'catching up a missed run', 30_000);
    await sleep(1_000);
    service.kill('SIGTERM');
    const code = await service.exited;

    expect({ code, signal: service.exitSignal }).toEqual({ code: 0, signal: null });
    const { rows } = await db.sql.query<{ status: string }>(
      `SELECT status FROM job_executions WHERE job_name = 'shift_confirmation' AND trigger = 'catch_up'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].status).not.toBe('running');
  }, 90_000);
});
