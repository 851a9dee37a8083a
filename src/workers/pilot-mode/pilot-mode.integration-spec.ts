import { useFakeHttpServer } from '../../../test/domain-workers/fake-http-server';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { testRedisPrefix, useWorkerHarness } from '../../../test/utils/test-context';
import { testRedisUrl } from '../../../test/utils/test-database';
import { JobNames } from '../../scheduler/job-names';
import { FeatureFlagsService } from './feature-flags.service';
import { PilotModeModule } from './pilot-mode.module';
import { PilotModeWorker } from './pilot-mode.worker';

const NOW = new Date('2026-03-10T13:00:00Z');
const HOUR = 60 * 60 * 1000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('pilot_mode (PostgreSQL, Redis, Slack over HTTP)', () => {
  let redisPrefix: string;
  const clock = new FakeClock(NOW);
  const harness = useWorkerHarness({ database: 'dw_pilot_mode', jobName: JobNames.pilotMode, clock });
  const slack = useFakeHttpServer();

  /** one replica: its own Prisma pool and Redis client, the same database and Redis prefix */
  async function replica(env: Record<string, string> = {}) {
    const config = testConfig({
      SLACK_WEBHOOK_URL: slack.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: redisPrefix,
      ...env,
    });
    const module = await harness.compile(config, [PilotModeModule]);
    return { worker: module.get(PilotModeWorker), flags: module.get(FeatureFlagsService) };
  }

  /** `count` leads, each with one message in `status` an hour ago */
  async function seed(count: number, status: string, pilot = true): Promise<string[]> {
    const { rows } = await harness.db.sql.query<{ id: string }>(
      `WITH new_leads AS (
         INSERT INTO leads (telefone, grupo_piloto)
         SELECT '5511' || lpad((random() * 1e9)::bigint::text, 9, '0'), $1 FROM generate_series(1, $2)
         RETURNING id)
       INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, enviada_em, updated_at)
       SELECT id, 'oi', 'campanha', $3, CASE WHEN $3 = 'enviada' THEN $4::timestamptz END, $4 FROM new_leads
       RETURNING lead_id AS id`,
      [pilot, count, status, ago(HOUR)],
    );
    return rows.map((row) => row.id);
  }

  /** opt-outs as the inbound service records them (plain UPDATE); the trigger dates them, we move them into the window */
  async function optOut(leadIds: string[], when = ago(HOUR)) {
    await harness.db.sql.query('UPDATE leads SET opted_out = true WHERE id = ANY($1)', [leadIds]);
    await harness.db.sql.query('UPDATE leads_opt_out_eventos SET created_at = $2 WHERE lead_id = ANY($1)', [
      leadIds,
      when,
    ]);
  }

  beforeEach(async () => {
    redisPrefix = testRedisPrefix('dw_pilot_mode');
    await harness.db.sql.query(
      'TRUNCATE fila_mensagens, leads, leads_opt_out_eventos, piloto_snapshots, feature_flags CASCADE',
    );
  });

  it('stays on below the threshold and stores the snapshot', async () => {
    const { worker, flags } = await replica();
    const sent = await seed(38, 'enviada');
    await seed(2, 'erro');
    await seed(3, 'bloqueada');
    await optOut(sent.slice(0, 2)); // 5 %: not above
    await seed(30, 'erro', false); // not in the pilot group
    await harness.db.sql.query('UPDATE leads SET last_inbound_at = $2 WHERE id = ANY($1)', [
      sent.slice(0, 7),
      ago(2 * HOUR),
    ]);

    const result = await worker.run(harness.jobContext());

    expect(result.details).toMatchObject({
      enviadas: 38,
      erros: 2,
      bloqueadas: 3,
      optOuts: 2,
      respostas: 7,
      messages: 40,
      optOutRate: 0.05,
      errorRate: 0.05,
      tripped: false,
      alert: 'none',
    });
    expect(await flags.mayRun('offers')).toMatchObject({ allowed: true, audience: 'pilot_group' });
    const { rows } = await harness.db.sql.query(
      'SELECT enviadas, opt_outs, taxa_opt_out::text, disparou FROM piloto_snapshots',
    );
    expect(rows).toEqual([{ enviadas: 38, opt_outs: 2, taxa_opt_out: '0.0500', disparou: false }]);
    expect(slack.requests).toHaveLength(0);
  });

  it('stores the snapshot when opt-outs outnumber the messages a hundred times over', async () => {
    const { worker } = await replica();
    // another service flags a do-not-contact list on a Sunday, when only one reply went out
    await seed(1, 'enviada');
    const listed = await seed(150, 'bloqueada');
    await optOut(listed);

    const result = await worker.run(harness.jobContext());

    expect(result.details).toMatchObject({ messages: 1, optOuts: 150, optOutRate: 150, tripped: false });
    const { rows } = await harness.db.sql.query('SELECT opt_outs, taxa_opt_out::text FROM piloto_snapshots');
    expect(rows).toEqual([{ opt_outs: 150, taxa_opt_out: '150.0000' }]);
  });

  it('does not count what happened before the window', async () => {
    const { worker } = await replica();
    const sent = await seed(30, 'enviada');
    await optOut(sent.slice(0, 10), ago(25 * HOUR));
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ optOuts: 0, tripped: false });
  });

  it('trips once over the threshold: features off with the reason, one alert, the other replica sees it at once', async () => {
    const a = await replica();
    const b = await replica();
    const sent = await seed(30, 'enviada');
    await optOut(sent.slice(0, 3)); // 10 % > 5 %

    const first = await a.worker.run(harness.jobContext());
    expect(first.details).toMatchObject({
      tripped: true,
      alert: 'posted',
      switched: ['discovery', 'feedback', 'offers', 'reactivation'],
      tripReason: 'taxa de opt-out 10.0% > 5.0% em 30 mensagens (24 h)',
      pilotMode: true,
    });
    expect(await b.flags.mayRun('offers')).toEqual({
      allowed: false,
      audience: 'nobody',
      reason: 'taxa de opt-out 10.0% > 5.0% em 30 mensagens (24 h)',
    });

    clock.set(new Date(NOW.getTime() + 15 * 60_000));
    const again = await Promise.all([b.worker.run(harness.jobContext()), a.worker.run(harness.jobContext())]);
    expect(again.map((result) => result.details?.tripped)).toEqual([false, false]);
    clock.set(NOW);

    expect(slack.texts()).toHaveLength(1);
    expect(slack.texts()[0]).toContain('taxa de opt-out 10.0%');
    const { rows } = await harness.db.sql.query(
      `SELECT nome, ativo, motivo, atualizado_por FROM feature_flags WHERE nome = 'offers'`,
    );
    expect(rows).toEqual([
      { nome: 'offers', ativo: false, motivo: first.details?.tripReason, atualizado_por: 'pilot_mode' },
    ]);
    const { rows: snapshots } = await harness.db.sql.query(
      'SELECT disparou FROM piloto_snapshots ORDER BY created_at',
    );
    expect(snapshots.map((row) => row.disparou).sort()).toEqual([false, false, true]);
  });

  it('trips again soon after an operator turned the features back on, and tells Slack again', async () => {
    const { worker, flags } = await replica();
    const sent = await seed(30, 'enviada');
    await optOut(sent.slice(0, 3)); // 10 % > 5 %
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      tripped: true,
      alert: 'posted',
    });

    await flags.set('pilot_mode', false, 'liberado pelo operador', 'admin'); // PUT /admin/pilot
    clock.set(new Date(NOW.getTime() + 15 * 60_000));
    const second = await worker.run(harness.jobContext());
    clock.set(NOW);
    expect(second.details).toMatchObject({ tripped: true, switched: ['pilot_mode'], alert: 'posted' });
    expect(slack.texts()).toHaveLength(2);
    // the trip turned pilot mode back on: listing it among the features turned off said the opposite
    expect(slack.texts()[1]).toMatch(
      /^:warning: Modo piloto: modo piloto ligado \(as funcionalidades autônomas já estavam desligadas\)\. Motivo: taxa de opt-out 10\.0%/,
    );
  });

  it('says pilot mode was turned on, not off, when a trip turns it on with the features', async () => {
    const { worker } = await replica({ PILOT_MODE: 'false' });
    const sent = await seed(30, 'enviada');
    await optOut(sent.slice(0, 3)); // 10 % > 5 %
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      switched: ['discovery', 'feedback', 'offers', 'reactivation', 'pilot_mode'],
      pilotMode: true,
    });
    expect(slack.texts()).toEqual([
      expect.stringMatching(
        /^:warning: Modo piloto: funcionalidades autônomas desligadas \(discovery, feedback, offers, reactivation\) e modo piloto ligado\. Motivo: /,
      ),
    ]);
  });

  it('posts a trip alert Slack did not take on the next run, once', async () => {
    const { worker } = await replica();
    const sent = await seed(30, 'enviada');
    await optOut(sent.slice(0, 3)); // 10 % > 5 %
    slack.answerNext({ status: 503 }, { status: 503 });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      tripped: true,
      alert: 'failed',
    });

    clock.set(new Date(NOW.getTime() + 15 * 60_000));
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      tripped: false,
      alert: 'posted',
    });
    clock.set(new Date(NOW.getTime() + 30 * 60_000));
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ alert: 'none' });
    clock.set(NOW);
    expect(slack.texts()).toHaveLength(3);
    expect(slack.texts()[2]).toMatch(/^:warning: Modo piloto: .*\(discovery, .*taxa de opt-out 10.0%/);
  });

  it('gives up on a trip alert Slack did not take for 24 h', async () => {
    const { worker } = await replica();
    const sent = await seed(30, 'enviada');
    await optOut(sent.slice(0, 3));
    slack.answerNext({ status: 503 }, { status: 503 });
    await worker.run(harness.jobContext());

    clock.set(new Date(NOW.getTime() + 25 * HOUR));
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ alert: 'none' });
    clock.set(NOW);
    expect(slack.requests).toHaveLength(2);
  });

  it('a run that fails after deciding to trip leaves the trip and its alert to the next run', async () => {
    const { worker, flags } = await replica();
    const sent = await seed(30, 'enviada');
    await optOut(sent.slice(0, 3)); // 10 % > 5 %
    // the snapshot cannot be stored (a dropped connection, a statement timeout)
    await harness.db.sql.query(
      `CREATE FUNCTION test_snapshot_fails() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'connection lost'; END $$`,
    );
    await harness.db.sql.query(
      'CREATE TRIGGER test_snapshot_fails BEFORE INSERT ON piloto_snapshots FOR EACH ROW EXECUTE FUNCTION test_snapshot_fails()',
    );
    try {
      await expect(worker.run(harness.jobContext())).rejects.toThrow(/connection lost/);
    } finally {
      await harness.db.sql.query('DROP TRIGGER test_snapshot_fails ON piloto_snapshots');
      await harness.db.sql.query('DROP FUNCTION test_snapshot_fails()');
    }
    expect(await flags.mayRun('offers')).toMatchObject({ allowed: true });

    clock.set(new Date(NOW.getTime() + 15 * 60_000));
    const retry = await worker.run(harness.jobContext());
    clock.set(NOW);
    expect(retry.details).toMatchObject({ tripped: true, alert: 'posted' });
    expect(slack.texts()).toHaveLength(1);
    expect(slack.texts()[0]).toContain('taxa de opt-out 10.0%');
  });

  it('trips on errors too', async () => {
    const { worker } = await replica();
    await seed(17, 'enviada');
    await seed(3, 'erro');
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      tripped: true,
      errorRate: 0.15,
    });
  });

  it('takes the start-up value from PILOT_MODE only until one is stored', async () => {
    const off = await replica({ PILOT_MODE: 'false' });
    expect(await off.flags.isPilotMode()).toBe(false);
    expect(await off.flags.mayRun('discovery')).toMatchObject({ allowed: true, audience: 'everyone' });
    const on = await replica({ PILOT_MODE: 'true' });
    expect(await on.flags.isPilotMode()).toBe(false);
    await on.flags.set('pilot_mode', true, 'operador', 'admin');
    expect(await off.flags.isPilotMode()).toBe(true);
  });
});
