import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { useWorkerHarness } from '../../../test/utils/test-context';
import { JobNames } from '../../scheduler/job-names';
import { ShiftConfirmationModule } from './shift-confirmation.module';
import { ShiftConfirmationWorker } from './shift-confirmation.worker';

// Tuesday 2026-03-10, 10:00 in São Paulo (UTC-3)
const NOW = new Date('2026-03-10T13:00:00Z');

describe('shift_confirmation (PostgreSQL)', () => {
  const clock = new FakeClock(NOW);
  const harness = useWorkerHarness({
    database: 'shift_confirmation',
    jobName: JobNames.shiftConfirmation,
    clock,
  });

  async function compileWorker(): Promise<ShiftConfirmationWorker> {
    const config = testConfig({ SCHEDULER_TIMEZONE: 'America/Sao_Paulo' });
    return (await harness.compile(config, [ShiftConfirmationModule])).get(ShiftConfirmationWorker);
  }

  async function insertVaga(
    hospital: string,
    data: string | null,
    horaInicio: string | null,
    horaFim: string | null,
    status = 'reservada',
  ): Promise<string> {
    const { rows } = await harness.db.sql.query<{ id: string }>(
      `INSERT INTO vagas (hospital, data, hora_inicio, hora_fim, status) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [hospital, data, horaInicio, horaFim, status],
    );
    return rows[0].id;
  }

  async function statuses(): Promise<Record<string, string>> {
    const { rows } = await harness.db.sql.query<{ hospital: string; status: string }>(
      'SELECT hospital, status FROM vagas',
    );
    return Object.fromEntries(rows.map((row) => [row.hospital, row.status]));
  }

  async function auditRows() {
    const { rows } = await harness.db.sql.query(
      `SELECT v.hospital, a.status_anterior, a.status_novo, a.origem, a.motivo
       FROM vagas_auditoria a JOIN vagas v ON v.id = a.vaga_id ORDER BY v.hospital`,
    );
    return rows;
  }

  let worker: ShiftConfirmationWorker;

  beforeAll(async () => {
    worker = await compileWorker();
  });

  beforeEach(async () => {
    clock.set(NOW);
    await harness.db.sql.query('TRUNCATE vagas, vagas_auditoria CASCADE');
  });

  it('moves only reserved shifts that ended more than 2 h ago, in local time, with an audit row each', async () => {
    await insertVaga('ended 3 h ago', '2026-03-10', '03:00', '07:00');
    await insertVaga('ended yesterday', '2026-03-09', '08:00', '12:00');
    await insertVaga('night shift from yesterday', '2026-03-09', '19:00', '07:00');
    await insertVaga('ended at midnight', '2026-03-09', '18:00', '24:00');
    await insertVaga('ended exactly 2 h ago', '2026-03-10', '04:00', '08:00');
    // 09:00 local is 12:00 UTC: read as UTC it would look 4 h old
    await insertVaga('ended 1 h ago', '2026-03-10', '05:00', '09:00');
    await insertVaga('this evening', '2026-03-10', '18:00', '23:00');
    await insertVaga('night shift from tonight', '2026-03-10', '19:00', '07:00');
    await insertVaga('open, long over', '2026-03-01', '08:00', '12:00', 'aberta');
    await insertVaga('confirmed, long over', '2026-03-01', '08:00', '12:00', 'confirmada');
    await insertVaga('no date', null, '08:00', '12:00');
    await insertVaga('no end', '2026-03-01', '08:00', null);
    await insertVaga('malformed end', '2026-03-01', '08:00', 'meio-dia');
    await insertVaga('no start', '2026-03-09', null, '12:00');

    const result = await worker.run(harness.jobContext());

    const moved = [
      'ended 3 h ago',
      'ended yesterday',
      'night shift from yesterday',
      'ended at midnight',
      'no start',
    ];
    expect(result.itemsProcessed).toBe(moved.length);
    expect(result.details).toMatchObject({ moved: moved.length, skippedWithoutEnd: 3 });
    expect(await statuses()).toEqual({
      'ended 3 h ago': 'pendente_confirmacao',
      'ended yesterday': 'pendente_confirmacao',
      'night shift from yesterday': 'pendente_confirmacao',
      'ended at midnight': 'pendente_confirmacao',
      'no start': 'pendente_confirmacao',
      'ended exactly 2 h ago': 'reservada',
      'ended 1 h ago': 'reservada',
      'this evening': 'reservada',
      'night shift from tonight': 'reservada',
      'open, long over': 'aberta',
      'confirmed, long over': 'confirmada',
      'no date': 'reservada',
      'no end': 'reservada',
      'malformed end': 'reservada',
    });
    expect(await auditRows()).toEqual(
      moved.sort().map((hospital) => ({
        hospital,
        status_anterior: 'reservada',
        status_novo: 'pendente_confirmacao',
        origem: 'shift_confirmation',
        motivo: 'turno terminou há mais de 2 h',
      })),
    );
  });

  it('moves a shift once 2 h have passed since it ended, on a later run', async () => {
    await insertVaga('ended 1 h ago', '2026-03-10', '05:00', '09:00');
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(0);
    clock.advance(60 * 60_000);
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(0); // exactly 2 h: not yet
    clock.advance(60_000);
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(1);
    expect(await statuses()).toEqual({ 'ended 1 h ago': 'pendente_confirmacao' });
  });

  it('moves nothing and audits nothing on a second run', async () => {
    await insertVaga('ended 3 h ago', '2026-03-10', '03:00', '07:00');
    await insertVaga('night shift from yesterday', '2026-03-09', '19:00', '07:00');
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(2);
    clock.advance(30 * 60_000);
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(0);
    expect(await auditRows()).toHaveLength(2);
  });

  it('moves and audits each shift once when runs overlap (two replicas)', async () => {
    const other = await compileWorker();
    await harness.db.sql.query(
      `INSERT INTO vagas (hospital, data, hora_inicio, hora_fim, status)
       SELECT 'shift ' || n, DATE '2026-03-08', '08:00', '20:00', 'reservada' FROM generate_series(1, 1200) n`,
    );

    const results = await Promise.all([
      worker.run(harness.jobContext()),
      other.run(harness.jobContext()),
      worker.run(harness.jobContext()),
    ]);

    expect(results.reduce((sum, result) => sum + result.itemsProcessed, 0)).toBe(1200);
    const { rows } = await harness.db.sql.query(
      `SELECT (SELECT count(*)::int FROM vagas WHERE status = 'pendente_confirmacao') AS moved,
              (SELECT count(*)::int FROM vagas_auditoria) AS audits,
              (SELECT count(DISTINCT vaga_id)::int FROM vagas_auditoria) AS audited`,
    );
    expect(rows[0]).toEqual({ moved: 1200, audits: 1200, audited: 1200 });
  });

  it('does nothing once aborted', async () => {
    await insertVaga('ended 3 h ago', '2026-03-10', '03:00', '07:00');
    const controller = new AbortController();
    controller.abort();
    const result = await worker.run(harness.jobContext(controller.signal));
    expect(result).toMatchObject({ itemsProcessed: 0, details: { moved: 0, aborted: true } });
    expect(await statuses()).toEqual({ 'ended 3 h ago': 'reservada' });
  });

  it('starts no batch once the service is shutting down, and says why', async () => {
    await insertVaga('ended 3 h ago', '2026-03-10', '03:00', '07:00');
    const stopping = new AbortController();
    stopping.abort();
    const result = await worker.run(harness.jobContext(undefined, stopping.signal));
    expect(result).toEqual({
      itemsProcessed: 0,
      details: { moved: 0, batches: 0, skippedWithoutEnd: 0, stopped_for_shutdown: true },
    });
    expect(await statuses()).toEqual({ 'ended 3 h ago': 'reservada' });
  });
});
