import { useFakeHttpServer } from '../../../test/domain-workers/fake-http-server';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { useWorkerHarness } from '../../../test/utils/test-context';
import { JobNames } from '../../scheduler/job-names';
import { DailyReportModule } from './daily-report.module';
import { DailyReportWorker } from './daily-report.worker';

// Wednesday 2026-03-11, 08:00 in São Paulo (UTC-3): the report is for Tuesday 2026-03-10, which in UTC is
// [2026-03-10T03:00Z, 2026-03-11T03:00Z).
const NOW = new Date('2026-03-11T11:00:00Z');
const INSIDE_FIRST = '2026-03-10T03:00:00Z';
const INSIDE_LAST = '2026-03-11T02:59:59Z'; // Tuesday 23:59:59 local, already Wednesday in UTC
const BEFORE = '2026-03-10T02:59:59Z'; // Monday 23:59:59 local, already Tuesday in UTC
const AFTER = '2026-03-11T03:00:00Z';

describe('daily_report (PostgreSQL, Slack over HTTP)', () => {
  const clock = new FakeClock(NOW);
  const harness = useWorkerHarness({ database: 'dw_daily_report', jobName: JobNames.dailyReport, clock });
  const slack = useFakeHttpServer();

  async function compileWorker(env: Record<string, string>): Promise<DailyReportWorker> {
    const config = testConfig({ SCHEDULER_TIMEZONE: 'America/Sao_Paulo', ...env });
    return (await harness.compile(config, [DailyReportModule])).get(DailyReportWorker);
  }

  async function seedDay() {
    const { rows } = await harness.db.sql.query<{ id: string }>(
      `INSERT INTO leads (telefone, last_inbound_at) VALUES ('5511900000001', $1), ('5511900000002', $2), ('5511900000003', $3)
       RETURNING id`,
      [INSIDE_FIRST, INSIDE_LAST, BEFORE],
    );
    const lead = rows[0].id;
    const message = (status: string, at: string, extra: Record<string, unknown> = {}) =>
      harness.db.sql.query(
        `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, enviada_em, updated_at, created_at, agendar_para)
         VALUES ($1, 'x', 'campanha', $2, $3, $4, $5, $6)`,
        [
          lead,
          status,
          status === 'enviada' ? at : null,
          at,
          extra.created_at ?? at,
          extra.agendar_para ?? at,
        ],
      );
    await message('enviada', INSIDE_FIRST);
    await message('enviada', INSIDE_LAST);
    await message('enviada', BEFORE);
    await message('enviada', AFTER);
    await message('bloqueada', INSIDE_LAST);
    await message('bloqueada', BEFORE);
    await message('erro', '2026-03-10T15:00:00Z');
    // deferred during the day to a later time; plus one due now that is simply waiting (queue size)
    await message('pendente', '2026-03-10T23:30:00Z', {
      created_at: '2026-03-10T23:00:00Z',
      agendar_para: '2026-03-11T12:00:00Z',
    });
    await message('pendente', '2026-03-11T10:00:00Z');
    // enqueued during the day for a later time (admin API, another service): waiting, never deferred
    await message('pendente', '2026-03-10T13:00:00Z', { agendar_para: '2026-03-12T12:00:00Z' });

    const vaga = await harness.db.sql.query<{ id: string }>(
      `INSERT INTO vagas (hospital, mensagem_grupo_id, created_at) VALUES
         ('A', gen_random_uuid(), $1), ('B', gen_random_uuid(), $2), ('C', gen_random_uuid(), $3), ('manual', NULL, $1)
       RETURNING id`,
      [INSIDE_FIRST, INSIDE_LAST, AFTER],
    );
    const vagaId = vaga.rows[0].id;
    await harness.db.sql.query(
      `INSERT INTO handoffs (lead_id, vaga_id, status, created_at, respondido_em, expired_at) VALUES
         ($1, $2, 'pending', $3, NULL, NULL),
         ($1, $2, 'confirmed', $4, $3, NULL),
         ($1, $2, 'expired', $4, NULL, $5),
         ($1, $2, 'expired', $4, NULL, $6)`,
      [lead, vagaId, INSIDE_LAST, BEFORE, INSIDE_FIRST, AFTER],
    );
    await harness.db.sql.query(
      `INSERT INTO job_executions (job_name, status, started_at) VALUES
         ('process_queue', 'error', $1), ('process_queue', 'timeout', $2), ('sync_briefing', 'error', $1),
         ('sync_briefing', 'error', $3), ('daily_report', 'success', $1)`,
      [INSIDE_FIRST, INSIDE_LAST, BEFORE],
    );
  }

  beforeEach(async () => {
    clock.set(NOW);
    await harness.db.sql.query(
      'TRUNCATE relatorios_diarios, job_executions, handoffs, fila_mensagens, vagas, leads CASCADE',
    );
  });

  it("counts yesterday's local day, stores the row and posts it to Slack once", async () => {
    const worker = await compileWorker({ SLACK_WEBHOOK_URL: slack.url });
    await seedDay();

    const result = await worker.run(harness.jobContext());

    const expected = {
      data: '2026-03-10',
      mensagens: { enviadas: 2, bloqueadas: 1, erros: 1, adiadas: 1 },
      respostas: 2,
      handoffs: { abertos: 1, confirmados: 1, expirados: 1 },
      vagasImportadas: 2,
      falhasPorJob: { process_queue: 2, sync_briefing: 1 },
      filaAgora: 1,
    };
    expect(result.details).toEqual({ ...expected, slack: 'posted' });
    const { rows } = await harness.db.sql.query(
      'SELECT data::text, metricas, texto, enviado_slack_em FROM relatorios_diarios',
    );
    expect(rows).toEqual([
      { data: '2026-03-10', metricas: expected, texto: expect.any(String), enviado_slack_em: NOW },
    ]);
    expect(slack.texts()).toEqual([rows[0].texto]);
    expect(rows[0].texto).toContain('*Relatório diário — 10/03/2026*');
    expect(rows[0].texto).toContain('2 enviadas, 1 bloqueadas, 1 com erro, 1 adiadas');
    expect(rows[0].texto).toContain('process_queue (2), sync_briefing (1)');

    // a re-run (catch-up, operator) refreshes the row but does not post again
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ slack: 'already posted' });
    expect(slack.requests).toHaveLength(1);
  });

  it('a catch-up run reports the day before its due date, even when it runs the next morning', async () => {
    const worker = await compileWorker({ SLACK_WEBHOOK_URL: slack.url });
    // Tuesday 08:00's run, missed while no replica was up, caught up at Wednesday 08:00 (NOW)
    const caughtUp = {
      ...harness.jobContext(),
      trigger: 'catch_up' as const,
      dueAt: new Date('2026-03-10T11:00:00Z'),
    };
    expect((await worker.run(caughtUp)).details).toMatchObject({ data: '2026-03-09', slack: 'posted' });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      data: '2026-03-10',
      slack: 'posted',
    });
  });

  it('logs instead of posting when Slack is not configured, and retries a failed post on the next run', async () => {
    const unconfigured = await compileWorker({});
    expect((await unconfigured.run(harness.jobContext())).details).toMatchObject({ slack: 'not_configured' });

    await harness.db.sql.query('TRUNCATE relatorios_diarios');
    const worker = await compileWorker({ SLACK_WEBHOOK_URL: slack.url });
    slack.answer({ status: 500 });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ slack: 'failed' });
    slack.answer({ status: 200 });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ slack: 'posted' });
  });

  it("posts an earlier day's report that Slack refused with the next run, oldest first", async () => {
    const worker = await compileWorker({ SLACK_WEBHOOK_URL: slack.url });
    slack.answer({ status: 500 });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      data: '2026-03-10',
      slack: 'failed',
    });

    slack.answer({ status: 200 });
    slack.requests.length = 0;
    clock.set('2026-03-12T11:00:00Z'); // Thursday 08:00
    const next = await worker.run(harness.jobContext());

    expect(next.details).toMatchObject({
      data: '2026-03-11',
      slack: 'posted',
      earlierReports: { '2026-03-10': 'posted' },
    });
    expect(slack.texts().map((text) => /\d\d\/03\/2026/.exec(text)?.[0])).toEqual([
      '10/03/2026',
      '11/03/2026',
    ]);
    const { rows } = await harness.db.sql.query(
      'SELECT data::text, enviado_slack_em, envio_reservado_em FROM relatorios_diarios ORDER BY data',
    );
    expect(rows).toEqual([
      { data: '2026-03-10', enviado_slack_em: new Date('2026-03-12T11:00:00Z'), envio_reservado_em: null },
      { data: '2026-03-11', enviado_slack_em: new Date('2026-03-12T11:00:00Z'), envio_reservado_em: null },
    ]);
  });

  it('a report whose run died before posting is posted by a run after the lease, never by two runs', async () => {
    const worker = await compileWorker({ SLACK_WEBHOOK_URL: slack.url });
    // what a run leaves when it dies between reserving the report and posting it
    await harness.db.sql.query(
      `INSERT INTO relatorios_diarios (data, metricas, texto, envio_reservado_em)
       VALUES ('2026-03-10', '{}', 'x', $1)`,
      [new Date(NOW.getTime() - 30_000)],
    );

    // not 'already posted': Slack has not seen it, and the run's details are what an operator checks
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      slack: 'another run is posting it',
    });
    expect(slack.requests).toHaveLength(0);

    clock.advance(2 * 60_000);
    const [first, second] = await Promise.all([
      worker.run(harness.jobContext()),
      worker.run(harness.jobContext()),
    ]);
    const outcomes = [first.details?.slack, second.details?.slack];
    expect(outcomes.filter((outcome) => outcome === 'posted')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome !== 'posted')).toEqual([
      expect.stringMatching(/^(already posted|another run is posting it)$/),
    ]);
    expect(slack.texts()).toHaveLength(1);
    expect(slack.texts()[0]).toContain('*Relatório diário — 10/03/2026*');
  });
});
