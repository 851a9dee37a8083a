import type { TestingModule } from '@nestjs/testing';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { useWorkerHarness } from '../../../test/utils/test-context';
import { rowsReadByEachStatement } from '../../../test/utils/query-plan';
import { within } from '../../../test/utils/within';
import { JobNames } from '../../scheduler/job-names';
import { DAY_MS, HOUR_MS, TEMPERATURE_DECAY_PAGE_SIZE } from './temperature-decay.constants';
import { TemperatureDecayModule } from './temperature-decay.module';
import { TemperatureDecayRepository } from './temperature-decay.repository';
import { TemperatureDecayWorker } from './temperature-decay.worker';

// Tuesday 2026-03-10, 09:00 in São Paulo
const NOW = new Date('2026-03-10T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('temperature_decay (PostgreSQL)', () => {
  const clock = new FakeClock(NOW);
  const harness = useWorkerHarness({ database: 'decay', jobName: JobNames.temperatureDecay, clock });

  function compile(pageSize?: number): Promise<TestingModule> {
    const config = testConfig({ SCHEDULER_TIMEZONE: 'America/Sao_Paulo' });
    const pageSizeOverride =
      pageSize === undefined ? [] : [{ provide: TEMPERATURE_DECAY_PAGE_SIZE, useValue: pageSize }];
    return harness.compile(config, [TemperatureDecayModule], pageSizeOverride);
  }

  async function insertLead(fields: Record<string, unknown> = {}): Promise<string> {
    const row = { created_at: ago(HOUR_MS), ...fields };
    const columns = Object.keys(row);
    const { rows } = await harness.db.sql.query<{ id: string }>(
      `INSERT INTO leads (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      Object.values(row),
    );
    return rows[0].id;
  }

  async function lead(id: string) {
    const { rows } = await harness.db.sql.query<{
      temperature: string;
      temperature_trend: string | null;
      last_decay_at: Date | null;
      estado: string;
      cooling_off_ate: Date | null;
      contatos_semana: number;
      contatos_semana_desde: string | null;
    }>(
      `SELECT temperature::text, temperature_trend, last_decay_at, estado, cooling_off_ate,
              contatos_semana, contatos_semana_desde::text
       FROM leads WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  let worker: TemperatureDecayWorker;

  beforeAll(async () => {
    worker = (await compile()).get(TemperatureDecayWorker);
  });

  beforeEach(async () => {
    clock.set(NOW);
    await harness.db.sql.query('TRUNCATE leads CASCADE');
  });

  describe('decay', () => {
    it('takes 0.05 per whole day since the later of last_decay_at and last_inbound_at, keeping the fraction', async () => {
      const reference = ago(3 * DAY_MS + 5 * HOUR_MS);
      const byInbound = await insertLead({ temperature: 0.8, last_inbound_at: reference });
      const byDecay = await insertLead({
        temperature: 0.8,
        last_decay_at: reference,
        last_inbound_at: ago(10 * DAY_MS),
      });
      const byInboundAfterDecay = await insertLead({
        temperature: 0.8,
        last_decay_at: ago(10 * DAY_MS),
        last_inbound_at: reference,
      });
      const neverSpoke = await insertLead({ temperature: 0.5, created_at: ago(2 * DAY_MS + HOUR_MS) });

      const result = await worker.run(harness.jobContext());

      for (const id of [byInbound, byDecay, byInboundAfterDecay]) {
        expect(await lead(id)).toMatchObject({
          temperature: '0.65',
          temperature_trend: 'cooling',
          last_decay_at: new Date(reference.getTime() + 3 * DAY_MS),
        });
      }
      expect(await lead(neverSpoke)).toMatchObject({
        temperature: '0.40',
        last_decay_at: new Date(ago(2 * DAY_MS + HOUR_MS).getTime() + 2 * DAY_MS),
      });
      expect(result.itemsProcessed).toBe(4);
      expect(result.details).toMatchObject({ decayed: 4, pages: 1 });
    });

    it('leaves a lead alone until a whole day has passed', async () => {
      const id = await insertLead({ temperature: 0.5, last_inbound_at: ago(23 * HOUR_MS + 59 * 60_000) });
      const result = await worker.run(harness.jobContext());
      expect(await lead(id)).toMatchObject({
        temperature: '0.50',
        temperature_trend: null,
        last_decay_at: null,
      });
      expect(result.itemsProcessed).toBe(0);
    });

    it('never goes below 0', async () => {
      const id = await insertLead({ temperature: 0.1, last_inbound_at: ago(5 * DAY_MS) });
      await worker.run(harness.jobContext());
      expect(await lead(id)).toMatchObject({ temperature: '0.00', temperature_trend: 'cooling' });
    });

    it('does not touch opted-out leads nor leads already at 0', async () => {
      const optedOut = await insertLead({
        temperature: 0.8,
        opted_out: true,
        last_inbound_at: ago(5 * DAY_MS),
      });
      const cold = await insertLead({ temperature: 0, last_inbound_at: ago(5 * DAY_MS) });
      const result = await worker.run(harness.jobContext());
      expect(await lead(optedOut)).toMatchObject({
        temperature: '0.80',
        temperature_trend: null,
        last_decay_at: null,
      });
      expect(await lead(cold)).toMatchObject({
        temperature: '0.00',
        temperature_trend: null,
        last_decay_at: null,
      });
      expect(result.itemsProcessed).toBe(0);
    });

    it('gives the one-shot result when run every hour, losing no fraction of a day', async () => {
      const inbound = ago(10 * HOUR_MS + 30 * 60_000);
      const id = await insertLead({ temperature: 0.9, last_inbound_at: inbound });
      let decayedRuns = 0;
      for (let hour = 1; hour <= 72; hour += 1) {
        clock.advance(HOUR_MS);
        const result = await worker.run(harness.jobContext());
        decayedRuns += result.itemsProcessed;
        const days = Math.floor((clock.now().getTime() - inbound.getTime()) / DAY_MS);
        const row = await lead(id);
        expect(row.temperature).toBe((0.9 - 0.05 * days).toFixed(2));
        expect(row.last_decay_at).toEqual(days === 0 ? null : new Date(inbound.getTime() + days * DAY_MS));
      }
      // 82.5 h after the inbound message: three whole days, decayed once per day boundary
      expect(await lead(id)).toMatchObject({
        temperature: '0.75',
        last_decay_at: new Date(inbound.getTime() + 3 * DAY_MS),
      });
      expect(decayedRuns).toBe(3);
    });

    it('reaches every lead, page after page', async () => {
      await harness.db.sql.query(
        `INSERT INTO leads (temperature, last_inbound_at, created_at)
         SELECT 0.5, $1, $1 FROM generate_series(1, 1200)`,
        [ago(2 * DAY_MS)],
      );
      const result = await worker.run(harness.jobContext());
      expect(result.itemsProcessed).toBe(1200);
      expect(result.details).toMatchObject({ decayed: 1200, pages: 3 });
      const { rows } = await harness.db.sql.query(
        `SELECT temperature::text, count(*)::int AS n FROM leads GROUP BY 1`,
      );
      expect(rows).toEqual([{ temperature: '0.40', n: 1200 }]);

      // an hour later nothing is due again
      clock.advance(HOUR_MS);
      expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(0);
    });

    it('writes nothing, not even a row lock, to the leads that are not due', async () => {
      // the week already started for both, so only the decay could touch them
      const week = { contatos_semana_desde: '2026-03-09' };
      const notDue = await insertLead({ temperature: 0.8, last_inbound_at: ago(2 * HOUR_MS), ...week });
      const due = await insertLead({ temperature: 0.8, last_inbound_at: ago(2 * DAY_MS), ...week });

      expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(1);

      // a row lock is written into the row (xmax): locking every candidate rewrote the whole table's pages
      // every hour, though a lead falls due about once a day
      const { rows } = await harness.db.sql.query<{ id: string; xmax: string; temperature: string }>(
        'SELECT id, xmax::text, temperature::text FROM leads',
      );
      expect(rows.find((row) => row.id === notDue)).toMatchObject({ xmax: '0', temperature: '0.80' });
      expect(rows.find((row) => row.id === due)).toMatchObject({ temperature: '0.70' });
    });

    it('leaves a lead another transaction holds to the next run, without waiting for it, and loses none of its days', async () => {
      const held = await insertLead({ temperature: 0.8, last_inbound_at: ago(3 * DAY_MS) });
      const free = await insertLead({ temperature: 0.8, last_inbound_at: ago(3 * DAY_MS) });
      // as a send being recorded holds its lead (fila_worker's write locks several leads in one statement)
      await harness.db.sql.query('BEGIN');
      await harness.db.sql.query('SELECT id FROM leads WHERE id = $1 FOR UPDATE', [held]);
      try {
        // waiting for the held lead would hang here until the COMMIT below
        const result = await within(worker.run(harness.jobContext()), 5_000, 'the decay run');
        expect(result.itemsProcessed).toBe(1);
      } finally {
        await harness.db.sql.query('COMMIT');
      }
      expect(await lead(held)).toMatchObject({ temperature: '0.80', last_decay_at: null });
      expect(await lead(free)).toMatchObject({ temperature: '0.65' });

      clock.set(new Date(NOW.getTime() + HOUR_MS));
      expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(1);
      expect(await lead(held)).toMatchObject({ temperature: '0.65' });
      expect(await lead(free)).toMatchObject({ temperature: '0.65' });
    });

    it.each([
      ['aborted at JOB_TIMEOUT', 'signal', { aborted: true }],
      ['told the service is shutting down', 'stopping', { stopped_for_shutdown: true }],
    ] as const)('stops between pages when %s and returns what it did', async (_, which, stopDetails) => {
      const module = await compile(100);
      const smallPages = module.get(TemperatureDecayWorker);
      const repository = module.get(TemperatureDecayRepository);
      await harness.db.sql.query(
        `INSERT INTO leads (temperature, last_inbound_at, created_at)
         SELECT 0.5, $1, $1 FROM generate_series(1, 350)`,
        [ago(2 * DAY_MS)],
      );
      const controller = new AbortController();
      const decayPage = repository.decayPage.bind(repository);
      const spy = jest.spyOn(repository, 'decayPage').mockImplementation(async (...args) => {
        const page = await decayPage(...args);
        controller.abort();
        return page;
      });
      const context =
        which === 'signal'
          ? harness.jobContext(controller.signal)
          : harness.jobContext(undefined, controller.signal);

      const result = await smallPages.run(context);

      expect(spy).toHaveBeenCalledTimes(1);
      expect(result.itemsProcessed).toBe(100);
      expect(result.details).toMatchObject({ decayed: 100, pages: 1, ...stopDetails });
      expect(result.details).not.toHaveProperty(which === 'signal' ? 'stopped_for_shutdown' : 'aborted');
      const { rows } = await harness.db.sql.query<{ temperature: string; n: number }>(
        `SELECT temperature::text, count(*)::int AS n FROM leads GROUP BY 1 ORDER BY 1`,
      );
      expect(rows).toEqual([
        { temperature: '0.40', n: 100 },
        { temperature: '0.50', n: 250 },
      ]);
    });
  });

  describe('lead state', () => {
    it('ends cooling-off whose end has passed', async () => {
      const over = await insertLead({ estado: 'cooling_off', cooling_off_ate: ago(60_000) });
      const ongoing = await insertLead({
        estado: 'cooling_off',
        cooling_off_ate: new Date(NOW.getTime() + DAY_MS),
      });
      const result = await worker.run(harness.jobContext());
      expect(await lead(over)).toMatchObject({ estado: 'active', cooling_off_ate: null });
      expect(await lead(ongoing)).toMatchObject({ estado: 'cooling_off' });
      expect(result.details).toMatchObject({ reactivated: 1 });
    });

    it('churns leads with no inbound for 90 days', async () => {
      const silent = await insertLead({ last_inbound_at: ago(91 * DAY_MS), created_at: ago(200 * DAY_MS) });
      const recent = await insertLead({ last_inbound_at: ago(89 * DAY_MS), created_at: ago(200 * DAY_MS) });
      const neverSpokeOld = await insertLead({ created_at: ago(91 * DAY_MS) });
      const neverSpokeNew = await insertLead({ created_at: ago(10 * DAY_MS) });
      const alreadyChurned = await insertLead({ estado: 'churned', last_inbound_at: ago(200 * DAY_MS) });
      const coolingOff = await insertLead({
        estado: 'cooling_off',
        cooling_off_ate: new Date(NOW.getTime() + DAY_MS),
        last_inbound_at: ago(95 * DAY_MS),
      });

      const result = await worker.run(harness.jobContext());

      expect(await lead(silent)).toMatchObject({ estado: 'churned' });
      expect(await lead(recent)).toMatchObject({ estado: 'active' });
      expect(await lead(neverSpokeOld)).toMatchObject({ estado: 'churned' });
      expect(await lead(neverSpokeNew)).toMatchObject({ estado: 'active' });
      expect(await lead(alreadyChurned)).toMatchObject({ estado: 'churned' });
      expect(await lead(coolingOff)).toMatchObject({ estado: 'churned', cooling_off_ate: null });
      expect(result.details).toMatchObject({ churned: 3 });
    });
  });

  describe('weekly contact counter', () => {
    const mondayLocal = new Date('2026-03-09T03:05:00Z'); // Monday 00:05 in São Paulo
    const sql = (id: string, count: number) =>
      harness.db.sql.query('UPDATE leads SET contatos_semana = $2 WHERE id = $1', [id, count]);

    it("resets on Monday's first run (local time) and only then", async () => {
      clock.set(mondayLocal);
      const lastWeek = await insertLead({ contatos_semana: 7, contatos_semana_desde: '2026-03-02' });
      const undated = await insertLead({ contatos_semana: 3 });
      const thisWeek = await insertLead({ contatos_semana: 2, contatos_semana_desde: '2026-03-09' });

      const first = await worker.run(harness.jobContext());
      expect(first.details).toMatchObject({ weeklyReset: 2 });
      expect(await lead(lastWeek)).toMatchObject({ contatos_semana: 0, contatos_semana_desde: '2026-03-09' });
      expect(await lead(undated)).toMatchObject({ contatos_semana: 0, contatos_semana_desde: '2026-03-09' });
      expect(await lead(thisWeek)).toMatchObject({ contatos_semana: 2, contatos_semana_desde: '2026-03-09' });

      // messages sent during the week are counted and kept by the later runs of Monday and of Tuesday
      await sql(lastWeek, 2);
      clock.advance(HOUR_MS);
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ weeklyReset: 0 });
      clock.set('2026-03-10T12:00:00Z');
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ weeklyReset: 0 });
      expect(await lead(lastWeek)).toMatchObject({ contatos_semana: 2 });

      // Sunday 23:30 local is already Monday in UTC: not yet a new week
      clock.set('2026-03-16T02:30:00Z');
      await worker.run(harness.jobContext());
      expect(await lead(lastWeek)).toMatchObject({ contatos_semana: 2, contatos_semana_desde: '2026-03-09' });

      clock.set('2026-03-16T03:30:00Z'); // Monday 00:30 local
      await worker.run(harness.jobContext());
      expect(await lead(lastWeek)).toMatchObject({ contatos_semana: 0, contatos_semana_desde: '2026-03-16' });
    });

    it("reads each lead a bounded number of times when Monday's run starts the week of every lead", async () => {
      const leads = 3_000;
      const smallBatches = (await compile(100)).get(TemperatureDecayWorker);
      clock.set(mondayLocal);
      await harness.db.sql.query(
        `INSERT INTO leads (contatos_semana, contatos_semana_desde, last_inbound_at)
         SELECT 3, '2026-03-02', $1 FROM generate_series(1, ${leads})`,
        [ago(HOUR_MS)],
      );
      await harness.db.sql.query('VACUUM ANALYZE leads');

      const reads = await rowsReadByEachStatement(
        harness.db,
        async () =>
          expect((await smallBatches.run(harness.jobContext())).details).toMatchObject({
            weeklyReset: leads,
          }),
        'contatos_semana_desde',
        'leads',
      );

      expect(reads).toHaveLength(leads / 100 + 1);
      // a batch reads its own rows a few times (find, lock, update); starting every batch from the first
      // lead read again every lead the earlier batches had started: ~45 times the table here, and at
      // 300 000 leads almost 6 minutes, past JOB_TIMEOUT
      expect(reads.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(4 * leads);
      const { rows } = await harness.db.sql.query(
        `SELECT contatos_semana, contatos_semana_desde::text, count(*)::int AS n FROM leads GROUP BY 1, 2`,
      );
      expect(rows).toEqual([{ contatos_semana: 0, contatos_semana_desde: '2026-03-09', n: leads }]);
    });

    it("resets on the first run after a missed Monday, and keeps this week's counters", async () => {
      clock.set('2026-03-10T12:00:00Z'); // Tuesday
      const missed = await insertLead({ contatos_semana: 5, contatos_semana_desde: '2026-03-02' });
      const resetMonday = await insertLead({ contatos_semana: 4, contatos_semana_desde: '2026-03-09' });
      const undated = await insertLead({ contatos_semana: 1 });

      await worker.run(harness.jobContext());

      expect(await lead(missed)).toMatchObject({ contatos_semana: 0, contatos_semana_desde: '2026-03-09' });
      expect(await lead(resetMonday)).toMatchObject({
        contatos_semana: 4,
        contatos_semana_desde: '2026-03-09',
      });
      // a counter without a start date mid-week is taken as this week's: stamped, not zeroed
      expect(await lead(undated)).toMatchObject({ contatos_semana: 1, contatos_semana_desde: '2026-03-09' });
    });
  });
});
