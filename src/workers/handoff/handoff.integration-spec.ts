import type { TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { useFakeHttpServer } from '../../../test/domain-workers/fake-http-server';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { testRedisPrefix, useWorkerHarness } from '../../../test/utils/test-context';
import { testRedisUrl } from '../../../test/utils/test-database';
import { AppConfig } from '../../config/app-config';
import { JobNames } from '../../scheduler/job-names';
import { FeatureFlagsService } from '../pilot-mode/feature-flags.service';
import { HandoffAnswerService } from './handoff-answer.service';
import { HandoffModule } from './handoff.module';
import { HandoffRepository } from './handoff.repository';
import { HandoffWorker } from './handoff.worker';

// Tuesday 2026-03-10, 10:00 in São Paulo
const CREATED = new Date('2026-03-10T13:00:00Z');
const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;
const at = (ms: number) => new Date(CREATED.getTime() + ms);

describe('handoff_processor (PostgreSQL, Redis, Slack over HTTP)', () => {
  const clock = new FakeClock(CREATED);
  const harness = useWorkerHarness({ database: 'dw_handoff', jobName: JobNames.handoffProcessor, clock });
  const slack = useFakeHttpServer();
  let config: AppConfig;

  const compile = () => harness.compile(config, [HandoffModule]);

  async function insert(table: string, row: Record<string, unknown>): Promise<string> {
    const columns = Object.keys(row);
    const { rows } = await harness.db.sql.query<{ id: string }>(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      Object.values(row),
    );
    return rows[0].id;
  }

  async function seedHandoff(fields: Record<string, unknown> = {}, vagaStatus = 'reservada') {
    const doctor = await insert('leads', {
      nome: 'Ana Souza',
      telefone: `55119${Math.random().toString().slice(2, 10)}`,
    });
    const vaga = await insert('vagas', {
      hospital: 'Hospital Santa Cruz',
      especialidade: 'Clínica médica',
      data: '2026-03-14',
      hora_inicio: '07:00',
      hora_fim: '19:00',
      status: vagaStatus,
    });
    const handoff = await insert('handoffs', {
      lead_id: doctor,
      vaga_id: vaga,
      divulgador_nome: 'Carlos Lima',
      divulgador_telefone: '+55 (11) 97777-0001',
      created_at: CREATED,
      reserved_until: at(48 * HOUR),
      ...fields,
    });
    return { doctor, vaga, handoff };
  }

  async function queue() {
    const { rows } = await harness.db.sql.query<{
      telefone: string;
      conteudo: string;
      tipo: string;
      chave_idempotencia: string;
    }>(
      `SELECT l.telefone, f.conteudo, f.tipo, f.chave_idempotencia
       FROM fila_mensagens f JOIN leads l ON l.id = f.lead_id ORDER BY f.created_at, f.chave_idempotencia`,
    );
    return rows;
  }

  /** What the queue worker does with the follow-ups waiting for it, sending them at the clock's time. */
  async function sendQueuedFollowups() {
    await harness.db.sql.query(
      `UPDATE fila_mensagens SET status = 'enviada', enviada_em = $1
        WHERE status = 'pendente' AND tipo = 'handoff_followup'`,
      [clock.now()],
    );
  }

  async function handoffRow(id: string) {
    const { rows } = await harness.db.sql.query('SELECT * FROM handoffs WHERE id = $1', [id]);
    return rows[0];
  }

  async function vagaStatus(id: string): Promise<string> {
    const { rows } = await harness.db.sql.query<{ status: string }>(
      'SELECT status FROM vagas WHERE id = $1',
      [id],
    );
    return rows[0].status;
  }

  let worker: HandoffWorker;
  let module: TestingModule;

  beforeAll(async () => {
    config = testConfig({
      SLACK_WEBHOOK_URL: slack.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('dw_handoff'),
    });
    module = await compile();
    worker = module.get(HandoffWorker);
  });

  beforeEach(async () => {
    clock.set(CREATED);
    await harness.db.sql.query('TRUNCATE handoffs, fila_mensagens, vagas, vagas_auditoria, leads CASCADE');
    await harness.db.sql.query(`UPDATE feature_flags SET ativo = true WHERE nome = 'external_handoff'`);
  });

  it('follows up with the poster at 2 h, 24 h and 36 h after creation, never before and never a fourth time', async () => {
    const { handoff } = await seedHandoff();
    const sentAt = async (ms: number) => {
      clock.set(at(ms));
      const sent = (await worker.run(harness.jobContext())).details?.followupsSent;
      await sendQueuedFollowups();
      return sent;
    };

    expect(await sentAt(2 * HOUR - MINUTE)).toBe(0);
    expect(await sentAt(2 * HOUR)).toBe(1);
    expect(await sentAt(2 * HOUR + 5 * MINUTE)).toBe(0);
    expect(await sentAt(24 * HOUR - MINUTE)).toBe(0);
    expect(await sentAt(24 * HOUR)).toBe(1);
    expect(await sentAt(36 * HOUR - MINUTE)).toBe(0);
    expect(await sentAt(36 * HOUR)).toBe(1);
    expect(await sentAt(40 * HOUR)).toBe(0);
    expect(await sentAt(47 * HOUR)).toBe(0);

    const messages = await queue();
    expect(messages).toHaveLength(3);
    for (const [index, message] of messages.entries()) {
      expect(message).toMatchObject({
        telefone: '5511977770001',
        tipo: 'handoff_followup',
        chave_idempotencia: `handoff:${handoff}:followup:${index + 1}`,
      });
      expect(message.conteudo).toMatch(/^Olá, Carlos!/);
      expect(message.conteudo).toContain('Ana');
      expect(message.conteudo).toContain('Hospital Santa Cruz em 14/03 (07:00–19:00)');
    }
    expect(messages[2].conteudo).toContain('Último lembrete');
    expect(await handoffRow(handoff)).toMatchObject({
      status: 'contacted',
      followup_count: 3,
      last_followup_at: at(36 * HOUR),
    });
    // the poster became a lead so the queue can address the message
    const { rows } = await harness.db.sql.query(`SELECT nome FROM leads WHERE telefone = '5511977770001'`);
    expect(rows).toEqual([{ nome: 'Carlos Lima' }]);
  });

  describe("the poster's phone as written in a group", () => {
    async function leadPhones() {
      const { rows } = await harness.db.sql.query<{ telefone: string; nome: string }>(
        `SELECT telefone, nome FROM leads WHERE nome = 'Carlos Lima' ORDER BY telefone`,
      );
      return rows;
    }

    it('without the country code gets 55 in front: written two ways, one lead, its follow-ups cancelled at expiry', async () => {
      const national = await seedHandoff({ divulgador_telefone: '(51) 98765-4321' });
      await seedHandoff({ divulgador_telefone: '+55 51 9 8765 4321' });
      clock.set(at(2 * HOUR));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({
        followupsSent: 2,
        followupsBadPhone: 0,
      });
      // 51987654321 as it is would be +51 987 654 321, a Peruvian mobile
      expect(await leadPhones()).toEqual([{ telefone: '5551987654321', nome: 'Carlos Lima' }]);
      const messages = await queue();
      expect(messages.map((message) => message.telefone)).toEqual(['5551987654321', '5551987654321']);

      clock.set(at(48 * HOUR));
      await worker.run(harness.jobContext());
      const { rows } = await harness.db.sql.query(
        `SELECT status, erro FROM fila_mensagens WHERE tipo = 'handoff_followup' AND metadata->>'handoff_id' = $1`,
        [national.handoff],
      );
      expect(rows).toEqual([{ status: 'cancelada', erro: 'handoff_closed' }]);
    });

    it('that cannot be made international is not written to; the run lists the handoff until the phone is fixed', async () => {
      const { handoff } = await seedHandoff({ divulgador_telefone: '+51 98765-4321' });
      clock.set(at(2 * HOUR));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({
        followupsSent: 0,
        followupsBadPhone: 1,
        badPhoneHandoffs: [handoff],
      });
      expect(await queue()).toEqual([]);
      expect(await leadPhones()).toEqual([]);
      expect(await handoffRow(handoff)).toMatchObject({ status: 'pending', followup_count: 0 });

      await harness.db.sql.query(
        `UPDATE handoffs SET divulgador_telefone = '+55 51 98765-4321' WHERE id = $1`,
        [handoff],
      );
      clock.set(at(2 * HOUR + 5 * MINUTE));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({
        followupsSent: 1,
        followupsBadPhone: 0,
        badPhoneHandoffs: [],
      });
      expect(await leadPhones()).toEqual([{ telefone: '5551987654321', nome: 'Carlos Lima' }]);
    });

    it('too short, or missing, is listed like any other unusable phone', async () => {
      const short = await seedHandoff({ divulgador_telefone: '9876-543' });
      const missing = await seedHandoff({ divulgador_telefone: null });
      const blank = await seedHandoff({ divulgador_telefone: 'ver no grupo' });
      clock.set(at(2 * HOUR));
      const { details } = await worker.run(harness.jobContext());
      expect(details).toMatchObject({ followupsSent: 0, followupsBadPhone: 3 });
      expect([...(details?.badPhoneHandoffs as string[])].sort()).toEqual(
        [short.handoff, missing.handoff, blank.handoff].sort(),
      );
      expect(await queue()).toEqual([]);
    });
  });

  it('sends one follow-up per run when several are overdue, spaced by at least 2 h', async () => {
    await seedHandoff();
    clock.set(at(30 * HOUR)); // the 2 h and 24 h follow-ups were both missed
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(1);
    await sendQueuedFollowups();
    clock.set(at(30 * HOUR + 5 * MINUTE));
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(0);
    clock.set(at(32 * HOUR));
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(1);
    expect(await queue()).toHaveLength(2);
  });

  it('holds the next follow-up while the previous one waits in the queue, and spaces it from the send', async () => {
    const { handoff } = await seedHandoff();
    clock.set(at(2 * HOUR));
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(1);
    // quiet hours (or rate limits) keep follow-up 1 in the queue past the time of follow-up 2
    clock.set(at(24 * HOUR));
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(0);
    await harness.db.sql.query(`UPDATE fila_mensagens SET status = 'processando'`);
    clock.set(at(25 * HOUR));
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(0);

    // it goes out at 25 h: the 2 h gap runs from then, not from when it was enqueued
    await harness.db.sql.query(`UPDATE fila_mensagens SET status = 'enviada', enviada_em = $1`, [
      at(25 * HOUR),
    ]);
    clock.set(at(25 * HOUR + 5 * MINUTE));
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(0);
    clock.set(at(27 * HOUR));
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(1);
    expect(await handoffRow(handoff)).toMatchObject({ followup_count: 2, last_followup_at: at(27 * HOUR) });
  });

  it('follows up again after a follow-up the queue could not send (blocked or failed)', async () => {
    await seedHandoff();
    clock.set(at(2 * HOUR));
    await worker.run(harness.jobContext());
    await harness.db.sql.query(`UPDATE fila_mensagens SET status = 'erro'`);
    clock.set(at(24 * HOUR));
    expect((await worker.run(harness.jobContext())).details?.followupsSent).toBe(1);
  });

  it('pauses follow-ups while external_handoff is off, but still expires', async () => {
    const { handoff, vaga } = await seedHandoff();
    await module.get(FeatureFlagsService).set('external_handoff', false, 'test', 'test');
    clock.set(at(3 * HOUR));
    const paused = await worker.run(harness.jobContext());
    expect(paused.details).toMatchObject({ followupsSent: 0, followupsPaused: true });
    expect(await queue()).toHaveLength(0);

    clock.set(at(48 * HOUR));
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      expired: 1,
      followupsPaused: true,
    });
    expect(await handoffRow(handoff)).toMatchObject({ status: 'expired', followup_count: 0 });
    expect(await vagaStatus(vaga)).toBe('aberta');

    // switched back on: an expired handoff gets no follow-up
    await module.get(FeatureFlagsService).set('external_handoff', true, null, 'test');
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ followupsSent: 0, expired: 0 });
  });

  it('expires at reserved_until: shift back to aberta with an audit row, doctor told, Slack notified', async () => {
    const { handoff, vaga } = await seedHandoff({ followup_count: 3, status: 'contacted' });
    clock.set(at(48 * HOUR - MINUTE));
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ expired: 0 });
    expect(slack.requests).toHaveLength(0);

    clock.set(at(48 * HOUR));
    const result = await worker.run(harness.jobContext());
    expect(result.details).toMatchObject({ expired: 1, shiftsReopened: 1, slack: 'posted' });
    expect(await handoffRow(handoff)).toMatchObject({ status: 'expired', expired_at: at(48 * HOUR) });
    expect(await vagaStatus(vaga)).toBe('aberta');
    const { rows: audit } = await harness.db.sql.query(
      'SELECT status_anterior, status_novo, origem FROM vagas_auditoria WHERE vaga_id = $1',
      [vaga],
    );
    expect(audit).toEqual([
      { status_anterior: 'reservada', status_novo: 'aberta', origem: 'handoff_processor' },
    ]);
    const messages = await queue();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      tipo: 'handoff_aviso',
      chave_idempotencia: `handoff:${handoff}:expired`,
    });
    expect(messages[0].conteudo).toMatch(/^Olá, Ana! .*reserva expirou/);
    expect(slack.texts()).toHaveLength(1);
    expect(slack.texts()[0]).toContain('Ana Souza');
    expect(slack.texts()[0]).toContain('vaga reaberta');

    // a re-run changes nothing and announces nothing
    clock.advance(5 * MINUTE);
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(0);
    expect(slack.requests).toHaveLength(1);
    expect(await queue()).toHaveLength(1);
  });

  describe('the expiry announcement', () => {
    it('masks a phone number standing in for the doctor’s name (a lead named after its WhatsApp number)', async () => {
      const { doctor } = await seedHandoff({ followup_count: 3, status: 'contacted' });
      await harness.db.sql.query(`UPDATE leads SET nome = '+55 11 98765-4321' WHERE id = $1`, [doctor]);
      clock.set(at(48 * HOUR));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ expired: 1, slack: 'posted' });
      expect(slack.texts()).toHaveLength(1);
      expect(slack.texts()[0]).toContain('*********4321');
      expect(slack.texts()[0].replace(/\D/g, '')).not.toContain('98765');
    });

    it('is posted by a later run when Slack failed, once', async () => {
      await seedHandoff({ followup_count: 3, status: 'contacted' });
      slack.answerNext({ status: 503 }, { status: 503 });
      clock.set(at(48 * HOUR));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ expired: 1, slack: 'failed' });

      clock.advance(5 * MINUTE);
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ expired: 0, slack: 'posted' });
      clock.advance(5 * MINUTE);
      expect((await worker.run(harness.jobContext())).details).toMatchObject({
        slack: 'nothing to announce',
      });
      expect(slack.requests).toHaveLength(3);
      expect(slack.texts()[2]).toContain('Ana Souza');
      expect(slack.texts()[2]).toContain('vaga reaberta');
    });

    it('lists the first 30 of many expiries and counts the rest, in one post Slack does not cut', async () => {
      const { doctor, vaga } = await seedHandoff({ followup_count: 3, status: 'contacted' });
      await harness.db.sql.query(
        `INSERT INTO handoffs (lead_id, vaga_id, created_at, reserved_until)
         SELECT $1, $2, $3, $4 FROM generate_series(1, 599)`,
        [doctor, vaga, CREATED, at(48 * HOUR)],
      );

      clock.set(at(48 * HOUR));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({
        expired: 600,
        slack: 'posted',
      });

      expect(slack.texts()).toHaveLength(1);
      const [text] = slack.texts();
      expect(text.length).toBeLessThan(40_000);
      expect(text).toMatch(/^\*Handoffs expirados sem confirmação do divulgador \(600\)\*\n/);
      expect(text.match(/^• /gm)).toHaveLength(30);
      expect(text).toMatch(/\n… e mais 570 handoffs expirados$/);
      const { rows } = await harness.db.sql.query(
        'SELECT count(*)::int AS n FROM handoffs WHERE anunciado_em IS NULL',
      );
      expect(rows[0].n).toBe(0);
      clock.advance(5 * MINUTE);
      expect((await worker.run(harness.jobContext())).details).toMatchObject({
        slack: 'nothing to announce',
      });
    });

    it('leaves an expiry whose row another session holds to a later run, and announces the others', async () => {
      const held = await seedHandoff({ status: 'expired', expired_at: at(47 * HOUR) });
      await seedHandoff({ status: 'expired', expired_at: at(47 * HOUR) });
      await harness.db.sql.query(`UPDATE leads SET nome = 'Bruno Alves' WHERE id = $1`, [held.doctor]);
      const session = new Client({ connectionString: harness.db.url });
      await session.connect();
      await session.query('BEGIN');
      await session.query('SELECT 1 FROM handoffs WHERE id = $1 FOR UPDATE', [held.handoff]);
      const giveUp = setTimeout(() => void session.query('ROLLBACK'), 20_000);
      try {
        clock.set(at(48 * HOUR));
        const started = Date.now();
        expect((await worker.run(harness.jobContext())).details).toMatchObject({ slack: 'posted' });
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(slack.texts()).toHaveLength(1);
        expect(slack.texts()[0]).toContain('Ana Souza');
        expect(slack.texts()[0]).not.toContain('Bruno');
      } finally {
        clearTimeout(giveUp);
        await session.query('ROLLBACK');
        await session.end();
      }

      clock.advance(5 * MINUTE);
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ slack: 'posted' });
      expect(slack.texts()[1]).toContain('Bruno Alves');
      expect(slack.texts()[1]).not.toContain('Ana');
    }, 30_000);

    it('covers expiries committed without a post (a crash), of the last 48 h only', async () => {
      const lost = await seedHandoff({ status: 'expired', expired_at: at(47 * HOUR) });
      const stale = await seedHandoff({ status: 'expired', expired_at: at(-HOUR) });
      await harness.db.sql.query(`UPDATE leads SET nome = 'Bruno Alves' WHERE id = $1`, [stale.doctor]);

      clock.set(at(48 * HOUR));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ expired: 0, slack: 'posted' });
      expect(slack.texts()).toHaveLength(1);
      expect(slack.texts()[0]).toContain('Ana Souza');
      expect(slack.texts()[0]).not.toContain('Bruno');
      expect(await handoffRow(lost.handoff)).toMatchObject({ anunciado_em: at(48 * HOUR) });
      expect(await handoffRow(stale.handoff)).toMatchObject({ anunciado_em: null });
    });
  });

  describe('follow-ups still queued when the handoff closes', () => {
    async function followupStatuses(handoff: string) {
      const { rows } = await harness.db.sql.query<{ followup: string; status: string; erro: string | null }>(
        `SELECT metadata->>'followup' AS followup, status, erro FROM fila_mensagens
          WHERE tipo = 'handoff_followup' AND metadata->>'handoff_id' = $1 ORDER BY 1`,
        [handoff],
      );
      return rows;
    }

    it('are cancelled at expiry (quiet hours held them), while sent ones and the doctor notice are left alone', async () => {
      const { handoff } = await seedHandoff();
      clock.set(at(2 * HOUR));
      await worker.run(harness.jobContext());
      await sendQueuedFollowups();
      for (const ms of [24 * HOUR, 36 * HOUR]) {
        clock.set(at(ms));
        await worker.run(harness.jobContext());
      }
      // another handoff of the same poster keeps its reminder
      const other = await seedHandoff({ created_at: at(24 * HOUR), reserved_until: at(72 * HOUR) });
      clock.set(at(26 * HOUR));
      await worker.run(harness.jobContext());

      clock.set(at(48 * HOUR));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ expired: 1 });
      expect(await followupStatuses(handoff)).toEqual([
        { followup: '1', status: 'enviada', erro: null },
        { followup: '2', status: 'cancelada', erro: 'handoff_closed' },
      ]);
      const othersFollowups = await followupStatuses(other.handoff);
      expect(othersFollowups.length).toBeGreaterThan(0);
      expect(othersFollowups.every((row) => row.status === 'pendente')).toBe(true);
      const { rows } = await harness.db.sql.query(
        `SELECT status FROM fila_mensagens WHERE tipo = 'handoff_aviso'`,
      );
      expect(rows).toEqual([{ status: 'pendente' }]);
    });

    it("are cancelled at expiry after the poster's phone was corrected, at the number they were queued for", async () => {
      const { handoff } = await seedHandoff();
      clock.set(at(2 * HOUR));
      await worker.run(harness.jobContext());
      // the group had it wrong: an operator corrects it while the first reminder waits for business hours
      await harness.db.sql.query(
        `UPDATE handoffs SET divulgador_telefone = '+55 11 96666-0002' WHERE id = $1`,
        [handoff],
      );
      clock.set(at(48 * HOUR));
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ expired: 1 });
      expect(await followupStatuses(handoff)).toEqual([
        { followup: '1', status: 'cancelada', erro: 'handoff_closed' },
      ]);
    });

    it('are cancelled when the poster answers', async () => {
      const { handoff } = await seedHandoff();
      clock.set(at(2 * HOUR));
      await worker.run(harness.jobContext());
      clock.set(at(3 * HOUR));
      await module.get(HandoffAnswerService).record(handoff, 'confirmed', 'admin');
      expect(await followupStatuses(handoff)).toEqual([
        { followup: '1', status: 'cancelada', erro: 'handoff_closed' },
      ]);
    });
  });

  it('does not reopen a shift that was re-assigned or is no longer reserved', async () => {
    const reassigned = await seedHandoff();
    const otherDoctor = await insert('leads', { nome: 'Bruno', telefone: '5511955550000' });
    await insert('handoffs', {
      lead_id: otherDoctor,
      vaga_id: reassigned.vaga,
      created_at: at(10 * HOUR),
      reserved_until: at(58 * HOUR),
    });
    const confirmed = await seedHandoff({}, 'confirmada');

    clock.set(at(48 * HOUR));
    const result = await worker.run(harness.jobContext());

    expect(result.details).toMatchObject({ expired: 2, shiftsReopened: 0 });
    expect(await handoffRow(reassigned.handoff)).toMatchObject({ status: 'expired' });
    expect(await vagaStatus(reassigned.vaga)).toBe('reservada');
    expect(await vagaStatus(confirmed.vaga)).toBe('confirmada');
    const { rows } = await harness.db.sql.query('SELECT count(*)::int AS n FROM vagas_auditoria');
    expect(rows[0].n).toBe(0);
    expect(slack.texts()[0]).toContain('vaga mantida');
  });

  it('goes on with the other handoffs while one is stuck behind a lock another session holds, and retries it', async () => {
    const stuck = await seedHandoff({ id: '00000000-0000-4000-8000-000000000001', status: 'contacted' });
    const other = await seedHandoff({ id: '00000000-0000-4000-8000-000000000002', status: 'contacted' });
    const due = await seedHandoff({
      id: '00000000-0000-4000-8000-000000000003',
      created_at: at(46 * HOUR),
      reserved_until: at(94 * HOUR),
    });
    // a psql session (or another service's long write) left in a transaction that holds the shift's row
    const session = new Client({ connectionString: harness.db.url });
    await session.connect();
    await session.query('BEGIN');
    await session.query('SELECT 1 FROM vagas WHERE id = $1 FOR UPDATE', [stuck.vaga]);
    const giveUp = setTimeout(() => void session.query('ROLLBACK'), 25_000);
    try {
      clock.set(at(48 * HOUR));
      const context = harness.jobContext();
      const warn = jest.spyOn(context.logger, 'warn');
      const started = Date.now();
      const result = await worker.run(context);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(warn).toHaveBeenCalledWith('handoff not processed; the next run tries again', {
        handoff_id: stuck.handoff,
        step: 'expire',
        error: expect.stringMatching(/lock timeout/),
      });
      expect(result.details).toMatchObject({
        expired: 1,
        followupsSent: 1,
        failed: 1,
        failedHandoffs: [stuck.handoff],
        slack: 'posted',
      });
      expect(await handoffRow(other.handoff)).toMatchObject({ status: 'expired' });
      expect(await handoffRow(due.handoff)).toMatchObject({ followup_count: 1 });
      expect(await handoffRow(stuck.handoff)).toMatchObject({ status: 'contacted', expired_at: null });
      expect(await vagaStatus(stuck.vaga)).toBe('reservada');
    } finally {
      clearTimeout(giveUp);
      await session.query('ROLLBACK');
      await session.end();
    }

    clock.advance(5 * MINUTE);
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ expired: 1, failed: 0 });
    expect(await handoffRow(stuck.handoff)).toMatchObject({ status: 'expired' });
    expect(await vagaStatus(stuck.vaga)).toBe('aberta');
  }, 40_000);

  it('logs a handoff that failed for another reason than a lock as an ERROR, and goes on with the others', async () => {
    const failingModule = await compile();
    const repository = failingModule.get(HandoffRepository);
    const broken = await seedHandoff({ id: '00000000-0000-4000-8000-000000000001', status: 'contacted' });
    const other = await seedHandoff({ id: '00000000-0000-4000-8000-000000000002', status: 'contacted' });
    const closeHandoff = repository.closeHandoff.bind(repository);
    jest.spyOn(repository, 'closeHandoff').mockImplementation(async (shift, ...rest) => {
      if (shift.handoffId === broken.handoff) throw new Error('new row violates check constraint');
      return closeHandoff(shift, ...rest);
    });
    const context = harness.jobContext();
    const error = jest.spyOn(context.logger, 'error');
    const warn = jest.spyOn(context.logger, 'warn');

    clock.set(at(48 * HOUR));
    const result = await failingModule.get(HandoffWorker).run(context);

    expect(result.details).toMatchObject({ expired: 1, failed: 1, failedHandoffs: [broken.handoff] });
    expect(await handoffRow(other.handoff)).toMatchObject({ status: 'expired' });
    expect(error).toHaveBeenCalledWith('handoff not processed; the next run tries again', {
      handoff_id: broken.handoff,
      step: 'expire',
      error: 'new row violates check constraint',
    });
    expect(warn).not.toHaveBeenCalled();
  });

  it('sends nothing twice when two replicas run at once', async () => {
    const other = (await compile()).get(HandoffWorker);
    const due = [];
    for (let i = 0; i < 15; i++) due.push(await seedHandoff());
    const expiring = [];
    for (let i = 0; i < 10; i++)
      expiring.push(await seedHandoff({ created_at: at(-48 * HOUR), reserved_until: at(2 * HOUR) }));

    clock.set(at(2 * HOUR));
    const results = await Promise.all([
      worker.run(harness.jobContext()),
      other.run(harness.jobContext()),
      worker.run(harness.jobContext()),
    ]);

    const total = (key: string) => results.reduce((sum, result) => sum + Number(result.details?.[key]), 0);
    expect(total('followupsSent')).toBe(15);
    expect(total('expired')).toBe(10);
    const { rows } = await harness.db.sql.query<{ tipo: string; n: number; distinct_keys: number }>(
      `SELECT tipo, count(*)::int AS n, count(DISTINCT chave_idempotencia)::int AS distinct_keys
       FROM fila_mensagens GROUP BY tipo ORDER BY tipo`,
    );
    expect(rows).toEqual([
      { tipo: 'handoff_aviso', n: 10, distinct_keys: 10 },
      { tipo: 'handoff_followup', n: 15, distinct_keys: 15 },
    ]);
    const { rows: counts } = await harness.db.sql.query(
      `SELECT count(*) FILTER (WHERE followup_count = 1)::int AS followed, count(*) FILTER (WHERE status = 'expired')::int AS expired
       FROM handoffs`,
    );
    expect(counts[0]).toEqual({ followed: 15, expired: 10 });
    const announced = slack.texts().join('\n').match(/^• /gm) ?? [];
    expect(announced).toHaveLength(10);
  });

  it('on shutdown finishes the handoff in hand, announces it, and leaves the rest to the next run', async () => {
    const shutdownModule = await compile();
    const repository = shutdownModule.get(HandoffRepository);
    const stopping = new AbortController();
    const closeHandoff = repository.closeHandoff.bind(repository);
    jest.spyOn(repository, 'closeHandoff').mockImplementation(async (...args) => {
      const closed = await closeHandoff(...args);
      stopping.abort();
      return closed;
    });
    for (let i = 0; i < 3; i++) await seedHandoff({ followup_count: 3, status: 'contacted' });
    await seedHandoff({ created_at: at(46 * HOUR), reserved_until: at(94 * HOUR) }); // follow-up due

    clock.set(at(48 * HOUR));
    const stopped = await shutdownModule
      .get(HandoffWorker)
      .run(harness.jobContext(undefined, stopping.signal));

    expect(stopped.details).toMatchObject({
      expired: 1,
      followupsSent: 0,
      slack: 'posted',
      stopped_for_shutdown: true,
    });
    expect(slack.texts()).toHaveLength(1);
    expect(await queue()).toHaveLength(1);
    const next = await worker.run(harness.jobContext());
    expect(next.details).toMatchObject({ expired: 2, followupsSent: 1 });
    expect(next.details).not.toHaveProperty('stopped_for_shutdown');
  });

  describe('the poster answer', () => {
    it('confirmed: the reserved shift is confirmed and the processor leaves it alone', async () => {
      const { handoff, vaga } = await seedHandoff();
      const answers = module.get(HandoffAnswerService);
      expect(await answers.record(handoff, 'confirmed', 'admin')).toEqual({
        outcome: 'recorded',
        status: 'confirmed',
        vagaStatus: 'confirmada',
      });
      expect(await handoffRow(handoff)).toMatchObject({ status: 'confirmed', respondido_por: 'admin' });
      expect(await vagaStatus(vaga)).toBe('confirmada');
      expect(await answers.record(handoff, 'not_confirmed', 'admin')).toEqual({
        outcome: 'already_closed',
        status: 'confirmed',
      });
      clock.set(at(48 * HOUR));
      expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(0);
    });

    it('not_confirmed: the shift reopens and the doctor is told', async () => {
      const { handoff, vaga } = await seedHandoff();
      const answers = module.get(HandoffAnswerService);
      expect(await answers.record(handoff, 'not_confirmed', 'admin')).toMatchObject({ vagaStatus: 'aberta' });
      expect(await vagaStatus(vaga)).toBe('aberta');
      const messages = await queue();
      expect(messages).toHaveLength(1);
      expect(messages[0].conteudo).toContain('não confirmou');
      expect(await answers.record('00000000-0000-0000-0000-000000000001', 'confirmed', 'admin')).toEqual({
        outcome: 'not_found',
      });
    });
  });
});
