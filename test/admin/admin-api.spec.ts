import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { ADMIN_READ_TIMEOUT_MS } from '../../src/admin/admin.constants';
import { LockService } from '../../src/redis/lock.service';
import { JobRegistry } from '../../src/scheduler/job-registry';
import { JobScheduler } from '../../src/scheduler/job-scheduler';
import { testConfig } from '../utils/test-config';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { TcpProxy } from '../health/tcp-proxy';
import { CapturingLogger, createHttpApp } from './http-app';

const TOKEN = 'admin-token-for-tests-0123456789';
const JOB = 'shift_confirmation';

describe('admin API (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let env: Record<string, string>;
  let leadId: string;

  const http = () => request(app.getHttpServer());
  const auth = { Authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    db = await createTestDatabase('admin_api');
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('admin_api'),
      ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'silent',
    };
    app = await createHttpApp(testConfig(env));
    const { rows } = await db.sql.query<{ id: string }>(
      `INSERT INTO leads (telefone, nome) VALUES ('5511900000009', 'Dr. Bruno') RETURNING id`,
    );
    leadId = rows[0].id;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['a wrong token', { Authorization: 'Bearer admin-token-for-tests-0123456780' }],
      ['a token of another length', { Authorization: 'Bearer short' }],
      ['another scheme', { Authorization: `Basic ${TOKEN}` }],
    ])('answers 401 with %s', async (_, headers) => {
      await http().get('/admin/jobs').set(headers).expect(401);
      await http().post(`/admin/jobs/${JOB}/run`).set(headers).expect(401);
      await http().post('/admin/dead-letters/redrive').set(headers).send({ ids: [] }).expect(401);
    });

    it('accepts the token when ADMIN_TOKEN came with a trailing newline (a secret made from a file)', async () => {
      // HTTP strips the spaces around a header value, so a token that ends in one could never be presented
      const fromFile = await createHttpApp(testConfig({ ...env, ADMIN_TOKEN: `${TOKEN}\n` }));
      try {
        await request(fromFile.getHttpServer()).get('/admin/jobs').set(auth).expect(200);
        await request(fromFile.getHttpServer())
          .get('/admin/jobs')
          .set({ Authorization: `Bearer ${TOKEN}x` })
          .expect(401);
      } finally {
        await fromFile.close();
      }
    });

    it('answers 401 to everyone when ADMIN_TOKEN is unset (API disabled)', async () => {
      const disabled = await createHttpApp(testConfig({ ...env, ADMIN_TOKEN: undefined }));
      try {
        const response = await request(disabled.getHttpServer()).get('/admin/jobs').set(auth).expect(401);
        expect(response.body.message).toMatch(/ADMIN_TOKEN is not set/);
      } finally {
        await disabled.close();
      }
    });
  });

  describe('jobs', () => {
    it('lists every job with schedule, next run, last run and paused flag', async () => {
      const { body } = await http().get('/admin/jobs').set(auth).expect(200);
      const names = body.jobs.map((job: { name: string }) => job.name);
      expect(names).toEqual(expect.arrayContaining([JOB, 'process_queue', 'check_alerts']));
      const job = body.jobs.find((candidate: { name: string }) => candidate.name === JOB);
      expect(job).toMatchObject({ schedule: expect.stringContaining('*/30 * * * *'), paused: false });
      expect(new Date(job.next_run_at).getTime()).toBeGreaterThan(Date.now());
    });

    it('runs a job now through the runner: history row, then it shows as the last run', async () => {
      const { body } = await http().post(`/admin/jobs/${JOB}/run`).set(auth).expect(200);
      expect(body).toMatchObject({ job: JOB, status: 'success', execution_id: expect.any(String) });
      const { rows } = await db.sql.query(`SELECT status, trigger FROM job_executions WHERE id = $1`, [
        body.execution_id,
      ]);
      expect(rows).toEqual([{ status: 'success', trigger: 'manual' }]);
      const list = await http().get('/admin/jobs').set(auth).expect(200);
      const job = list.body.jobs.find((candidate: { name: string }) => candidate.name === JOB);
      expect(job.last_run).toMatchObject({ id: body.execution_id, status: 'success', trigger: 'manual' });
    });

    it('logs who asked for a run now (X-Operator), as it does for pause and re-drive', async () => {
      const logger = new CapturingLogger();
      const logged = await createHttpApp(testConfig(env), { logger });
      try {
        // another job than JOB, whose history the next tests count
        await request(logged.getHttpServer())
          .post('/admin/jobs/prune_job_history/run')
          .set(auth)
          .set('X-Operator', 'maria')
          .expect(200);
      } finally {
        await logged.close();
      }
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'INFO',
          message: expect.objectContaining({
            msg: 'job run requested',
            job: 'prune_job_history',
            by: 'admin:maria',
          }),
        }),
      );
    });

    it('run now respects the job lock: 409 and a skipped row while another run holds it', async () => {
      const locks = app.get(LockService);
      const held = await locks.acquire(`job:${JOB}`, 60_000);
      try {
        const { body } = await http().post(`/admin/jobs/${JOB}/run`).set(auth).expect(409);
        expect(body).toMatchObject({ status: 'skipped', error: expect.stringContaining('already running') });
        const { rows } = await db.sql.query(`SELECT status FROM job_executions WHERE id = $1`, [
          body.execution_id,
        ]);
        expect(rows[0].status).toBe('skipped');
      } finally {
        await locks.release(held!);
      }
    });

    it('pages through a job history, newest first', async () => {
      await http().post(`/admin/jobs/${JOB}/run`).set(auth).expect(200);
      const first = await http().get(`/admin/jobs/${JOB}/executions?per_page=2`).set(auth).expect(200);
      expect(first.body).toMatchObject({ job: JOB, page: 1, per_page: 2, total: 3 });
      expect(first.body.items).toHaveLength(2);
      const second = await http()
        .get(`/admin/jobs/${JOB}/executions?per_page=2&page=2`)
        .set(auth)
        .expect(200);
      expect(second.body.items).toHaveLength(1);
      const started = [...first.body.items, ...second.body.items].map((row) => row.started_at);
      expect(started).toEqual([...started].sort().reverse());
    });

    it('answers 404 for an unknown job and 400 for a bad page', async () => {
      const unknown = await http().post('/admin/jobs/nope/run').set(auth).expect(404);
      expect(unknown.body.message).toMatch(/valid names: .*shift_confirmation/);
      // the names CONTRACT §2 gives, as `npm run job` lists them: fila_worker (process_queue's worker) too
      expect(unknown.body.message).toMatch(/valid names: .*process_queue.*, fila_worker/);
      const bad = await http().get(`/admin/jobs/${JOB}/executions?per_page=1000`).set(auth).expect(400);
      expect(bad.body.errors).toEqual([{ field: 'per_page', reason: 'must be at most 200' }]);
    });

    it('pause survives a restart, and a paused job’s tick is not run; resume undoes it', async () => {
      await http().post(`/admin/jobs/${JOB}/pause`).set(auth).set('X-Operator', 'maria').expect(200, {
        job: JOB,
        paused: true,
      });
      await app.close();
      app = await createHttpApp(testConfig(env));
      const { body } = await http().get('/admin/jobs').set(auth).expect(200);
      expect(body.jobs.find((job: { name: string }) => job.name === JOB)).toMatchObject({
        paused: true,
        paused_by: 'admin:maria',
      });
      const before = await db.sql.query(`SELECT count(*)::int AS n FROM job_executions`);
      await app.get(JobScheduler).runDueTick(app.get(JobRegistry).get(JOB), new Date());
      const after = await db.sql.query(`SELECT count(*)::int AS n FROM job_executions`);
      expect(after.rows[0].n).toBe(before.rows[0].n);
      await http().post(`/admin/jobs/${JOB}/resume`).set(auth).expect(200, { job: JOB, paused: false });
      const resumed = await http().get('/admin/jobs').set(auth).expect(200);
      expect(resumed.body.jobs.find((job: { name: string }) => job.name === JOB).paused).toBe(false);
    });

    it('records an X-Operator name written in UTF-8 (curl -H "X-Operator: João") as written', async () => {
      // Node reads header bytes as latin1: the UTF-8 bytes of João arrived as "JoÃ£o"
      const asSentByCurl = (name: string) => Buffer.from(name, 'utf8').toString('latin1');
      const pausedBy = async () =>
        (await http().get('/admin/jobs').set(auth).expect(200)).body.jobs.find(
          (job: { name: string }) => job.name === JOB,
        ).paused_by;
      for (const [sent, recorded] of [
        [asSentByCurl('João Conceição'), 'admin:João Conceição'],
        [asSentByCurl(`Zé ${'🩺'.repeat(70)}`), `admin:Zé ${'🩺'.repeat(61)}`],
        ['Jos\u00e9', 'admin:José'], // a latin1 byte that is not UTF-8 stays what it was
      ]) {
        await http().post(`/admin/jobs/${JOB}/pause`).set(auth).set('X-Operator', sent).expect(200);
        expect(await pausedBy()).toBe(recorded);
        await http().post(`/admin/jobs/${JOB}/resume`).set(auth).expect(200);
      }
    });

    it('pausing a job that is already paused keeps who paused it and since when', async () => {
      const jobView = async () =>
        (await http().get('/admin/jobs').set(auth).expect(200)).body.jobs.find(
          (job: { name: string }) => job.name === JOB,
        );
      await http().post(`/admin/jobs/${JOB}/pause`).set(auth).set('X-Operator', 'maria').expect(200);
      const first = await jobView();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await http().post(`/admin/jobs/${JOB}/pause`).set(auth).set('X-Operator', 'joao').expect(200, {
        job: JOB,
        paused: true,
      });
      expect(await jobView()).toMatchObject({
        paused: true,
        paused_by: 'admin:maria',
        paused_at: first.paused_at,
      });
      await http().post(`/admin/jobs/${JOB}/resume`).set(auth).expect(200);
      await http().post(`/admin/jobs/${JOB}/pause`).set(auth).set('X-Operator', 'joao').expect(200);
      expect(await jobView()).toMatchObject({ paused: true, paused_by: 'admin:joao' });
      await http().post(`/admin/jobs/${JOB}/resume`).set(auth).expect(200);
    });
  });

  describe('queue', () => {
    it('lists dead letters and re-drives the chosen ones only', async () => {
      const { rows } = await db.sql.query<{ id: string }>(
        `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, tentativas, erro)
         VALUES ($1, 'a', 'oferta', 'erro', 3, 'dead_letter after 3 attempts'),
                ($1, 'b', 'oferta', 'erro', 3, 'permanent: 400'),
                ($1, 'c', 'oferta', 'enviada', 1, null) RETURNING id`,
        [leadId],
      );
      const list = await http().get('/admin/dead-letters').set(auth).expect(200);
      expect(list.body.total).toBe(2);
      expect(list.body.items.map((item: { id: string }) => item.id).sort()).toEqual(
        [rows[0].id, rows[1].id].sort(),
      );
      const { body } = await http()
        .post('/admin/dead-letters/redrive')
        .set(auth)
        .send({ ids: [rows[0].id, rows[2].id] })
        .expect(200);
      expect(body).toEqual({ requested: 2, redriven: 1 });
      const after = await db.sql.query(
        `SELECT id, status, tentativas FROM fila_mensagens WHERE id = ANY($1)`,
        [rows.map((row) => row.id)],
      );
      const byId = Object.fromEntries(after.rows.map((row) => [row.id, row]));
      expect(byId[rows[0].id]).toMatchObject({ status: 'pendente', tentativas: 0 });
      expect(byId[rows[1].id].status).toBe('erro');
      expect(byId[rows[2].id].status).toBe('enviada');
    });

    it('logs which dead letters were re-driven and by whom', async () => {
      const { rows } = await db.sql.query<{ id: string }>(
        `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, tentativas, erro)
         VALUES ($1, 'a', 'oferta', 'erro', 3, 'permanent: 400') RETURNING id`,
        [leadId],
      );
      const logger = new CapturingLogger();
      const logged = await createHttpApp(testConfig(env), { logger });
      try {
        await request(logged.getHttpServer())
          .post('/admin/dead-letters/redrive')
          .set(auth)
          .set('X-Operator', 'maria')
          .send({ ids: [rows[0].id] })
          .expect(200, { requested: 1, redriven: 1 });
      } finally {
        await logged.close();
      }
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          message: expect.objectContaining({
            msg: 'dead letters re-driven',
            ids: [rows[0].id],
            by: 'admin:maria',
          }),
        }),
      );
    });

    it('re-drive rejects ids that are not UUIDs and an empty list', async () => {
      const bad = await http()
        .post('/admin/dead-letters/redrive')
        .set(auth)
        .send({ ids: ['x'] })
        .expect(400);
      expect(bad.body.errors).toEqual([{ field: 'ids.0', reason: 'must be a UUID' }]);
      const empty = await http().post('/admin/dead-letters/redrive').set(auth).send({ ids: [] }).expect(400);
      expect(empty.body.errors[0].field).toBe('ids');
    });

    it('takes every id PostgreSQL stores as a uuid, not only RFC 4122 ones (rows other services inserted)', async () => {
      // PostgreSQL accepts any 32 hex digits as a uuid; another service, a seed or a hand-written INSERT may
      // give ids whose version and variant bits are not RFC 4122's, and the operator must reach those rows too
      const lead = '11111111-1111-1111-1111-111111111111';
      const dead = '22222222-2222-2222-2222-222222222222';
      await db.sql.query(`INSERT INTO leads (id, telefone, nome) VALUES ($1, '5511900000011', 'Dr. Caio')`, [
        lead,
      ]);
      await db.sql.query(
        `INSERT INTO fila_mensagens (id, lead_id, conteudo, tipo, status, tentativas, erro)
         VALUES ($1, $2, 'a', 'oferta', 'erro', 3, 'permanent: 400')`,
        [dead, lead],
      );
      const redriven = await http()
        .post('/admin/dead-letters/redrive')
        .set(auth)
        .send({ ids: [dead] });
      expect(redriven.body).toEqual({ requested: 1, redriven: 1 });
      const enqueued = await http()
        .post('/admin/messages')
        .set(auth)
        .send({ lead_id: lead, conteudo: 'olá', chave_idempotencia: 'hand-made-lead-id' });
      expect(enqueued.body).toMatchObject({ enqueued: true });
      const answer = await http()
        .post(`/admin/handoffs/${dead}/answer`)
        .set(auth)
        .send({ answer: 'confirmed' });
      expect(answer.status).toBe(404);
    });

    it('says a body must be JSON when it came without Content-Type: application/json (curl -d sends a form)', async () => {
      const form = await http()
        .post('/admin/dead-letters/redrive')
        .set(auth)
        .type('form')
        .send(JSON.stringify({ ids: [leadId] }))
        .expect(400);
      expect(form.body.errors).toEqual([
        { field: '(body)', reason: 'must be a JSON object sent with Content-Type: application/json' },
      ]);
      const none = await http().put('/admin/pilot').set(auth).expect(400);
      expect(none.body.errors[0].reason).toMatch(/Content-Type: application\/json/);
    });

    it('answers a retried enqueue (same chave_idempotencia) with 200 and the id of the message it made first', async () => {
      const send = () =>
        http()
          .post('/admin/messages')
          .set(auth)
          .send({ lead_id: leadId, conteudo: 'Olá de novo', chave_idempotencia: 'campanha-42:retry' });
      const first = await send().expect(201);
      expect(first.body).toEqual({ enqueued: true, id: expect.any(String) });
      const retried = await send().expect(200);
      expect(retried.body).toEqual({ enqueued: false, reason: 'duplicate', id: first.body.id });
    });

    it('enqueues a valid message', async () => {
      const { body } = await http()
        .post('/admin/messages')
        .set(auth)
        .send({ lead_id: leadId, conteudo: 'Olá, Dr. Bruno', agendar_para: '2030-01-02T11:00:00-03:00' })
        .expect(201);
      expect(body).toEqual({ enqueued: true, id: expect.any(String) });
      const { rows } = await db.sql.query(
        `SELECT conteudo, tipo, prioridade, status, agendar_para, metadata FROM fila_mensagens WHERE id = $1`,
        [body.id],
      );
      expect(rows[0]).toMatchObject({
        conteudo: 'Olá, Dr. Bruno',
        tipo: 'manual',
        prioridade: 5,
        status: 'pendente',
      });
      expect(rows[0].agendar_para.toISOString()).toBe('2030-01-02T14:00:00.000Z');
      expect(rows[0].metadata).toEqual({ origem: 'admin', por: 'admin' });
    });

    it.each([
      [
        'an unknown lead',
        { lead_id: '00000000-0000-4000-8000-000000000000', conteudo: 'x' },
        'lead_id',
        /no lead/,
      ],
      ['a lead id that is not a UUID', { lead_id: 'abc', conteudo: 'x' }, 'lead_id', /UUID/],
      ['an empty text', { conteudo: '' }, 'conteudo', /1 to 4096/],
      ['a text of 4097 characters', { conteudo: 'a'.repeat(4097) }, 'conteudo', /1 to 4096/],
      ['a blank text', { conteudo: '   ' }, 'conteudo', /blank/],
      ['a date that is not ISO-8601', { conteudo: 'x', agendar_para: 'amanhã' }, 'agendar_para', /ISO-8601/],
      ['a priority out of range', { conteudo: 'x', prioridade: 11 }, 'prioridade', /0 to 10/],
    ])('answers 400 naming the field for %s', async (_, fields, field, reason) => {
      const { body } = await http()
        .post('/admin/messages')
        .set(auth)
        .send({ lead_id: leadId, ...fields })
        .expect(400);
      expect(body.errors).toEqual([{ field, reason: expect.stringMatching(reason) }]);
    });

    it('accepts a text of exactly 4096 characters and refuses a body over the size limit', async () => {
      await http()
        .post('/admin/messages')
        .set(auth)
        .send({ lead_id: leadId, conteudo: 'a'.repeat(4096) })
        .expect(201);
      await http()
        .post('/admin/messages')
        .set(auth)
        .send({ lead_id: leadId, conteudo: 'a'.repeat(100_000) })
        .expect(413);
    });
  });

  describe('pilot mode and handoffs', () => {
    it('shows the pilot state and switches it', async () => {
      const before = await http().get('/admin/pilot').set(auth).expect(200);
      expect(before.body).toMatchObject({ pilot_mode: true, snapshots: [] });
      expect(before.body.flags.map((flag: { nome: string }) => flag.nome)).toContain('external_handoff');
      await http()
        .put('/admin/pilot')
        .set(auth)
        .send({ pilot_mode: false, motivo: 'piloto ok' })
        .expect(200, {
          pilot_mode: false,
        });
      const { rows } = await db.sql.query(
        `SELECT ativo, motivo FROM feature_flags WHERE nome = 'pilot_mode'`,
      );
      expect(rows[0]).toEqual({ ativo: false, motivo: 'piloto ok' });
      const bad = await http().put('/admin/pilot').set(auth).send({ pilot_mode: 'yes' }).expect(400);
      expect(bad.body.errors).toEqual([{ field: 'pilot_mode', reason: 'must be true or false' }]);
    });

    it('records the poster’s answer to a handoff once', async () => {
      const { rows: vagas } = await db.sql.query<{ id: string }>(
        `INSERT INTO vagas (hospital, especialidade, data, hora_inicio, hora_fim, status)
         VALUES ('Hospital Santa Cruz', 'Clínica médica', '2030-03-14', '07:00', '19:00', 'reservada') RETURNING id`,
      );
      const { rows: handoffs } = await db.sql.query<{ id: string }>(
        `INSERT INTO handoffs (lead_id, vaga_id, divulgador_nome) VALUES ($1, $2, 'Carlos') RETURNING id`,
        [leadId, vagas[0].id],
      );
      const id = handoffs[0].id;
      const { body } = await http()
        .post(`/admin/handoffs/${id}/answer`)
        .set(auth)
        .send({ answer: 'confirmed' })
        .expect(200);
      expect(body).toMatchObject({ id, status: 'confirmed' });
      const { rows } = await db.sql.query(`SELECT status FROM handoffs WHERE id = $1`, [id]);
      expect(rows[0].status).toBe('confirmed');
      await http()
        .post(`/admin/handoffs/${id}/answer`)
        .set(auth)
        .send({ answer: 'not_confirmed' })
        .expect(409);
      const bad = await http()
        .post(`/admin/handoffs/${id}/answer`)
        .set(auth)
        .send({ answer: 'maybe' })
        .expect(400);
      expect(bad.body.errors[0]).toEqual({ field: 'answer', reason: 'must be confirmed or not_confirmed' });
      await http()
        .post('/admin/handoffs/00000000-0000-4000-8000-000000000000/answer')
        .set(auth)
        .send({ answer: 'confirmed' })
        .expect(404);
      await http().post('/admin/handoffs/abc/answer').set(auth).send({ answer: 'confirmed' }).expect(400);
    });
    it('answers 503 in seconds when another session holds the handoff’s shift, and records the answer once it is free', async () => {
      const { rows: vagas } = await db.sql.query<{ id: string }>(
        `INSERT INTO vagas (hospital, data, hora_inicio, hora_fim, status)
         VALUES ('Hospital Bloqueado', '2030-03-14', '07:00', '19:00', 'reservada') RETURNING id`,
      );
      const { rows: handoffs } = await db.sql.query<{ id: string }>(
        `INSERT INTO handoffs (lead_id, vaga_id) VALUES ($1, $2) RETURNING id`,
        [leadId, vagas[0].id],
      );
      const id = handoffs[0].id;
      const session = new Client({ connectionString: db.url });
      await session.connect();
      await session.query('BEGIN');
      await session.query('SELECT 1 FROM vagas WHERE id = $1 FOR UPDATE', [vagas[0].id]);
      const giveUp = setTimeout(() => void session.query('ROLLBACK'), 20_000);
      try {
        const started = Date.now();
        const busy = await http()
          .post(`/admin/handoffs/${id}/answer`)
          .set(auth)
          .send({ answer: 'confirmed' });
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(busy.status).toBe(503);
        expect(busy.body.message).toMatch(/held by another database session; try again/);
        const { rows } = await db.sql.query(`SELECT status FROM handoffs WHERE id = $1`, [id]);
        expect(rows[0].status).toBe('pending');
      } finally {
        clearTimeout(giveUp);
        await session.query('ROLLBACK');
        await session.end();
      }
      await http().post(`/admin/handoffs/${id}/answer`).set(auth).send({ answer: 'confirmed' }).expect(200);
    }, 30_000);
  });

  describe('dashboard data, OpenAPI and HTTP hardening', () => {
    it('serves hourly figures for 24 h and recent failures', async () => {
      const hourly = await http().get('/admin/stats/hourly').set(auth).expect(200);
      expect(hourly.body.hours).toHaveLength(24);
      expect(hourly.body.hours[0]).toEqual({
        hour: expect.any(String),
        sent: 0,
        queue_size: expect.any(Number),
      });
      const failures = await http().get('/admin/stats/failures').set(auth).expect(200);
      expect(failures.body).toEqual({ failures: [] });
    });

    it('gives up a read behind a table lock with a 503, instead of holding a pool connection for minutes', async () => {
      // an open dashboard asks every 15 s; each read waiting on the lock kept one of the 10 pooled
      // connections until statement_timeout (JOB_TIMEOUT + 2 s), and a few refreshes left none to the jobs
      const locker = new Client({ connectionString: db.url });
      await locker.connect();
      let lockHeld = true;
      const release = setTimeout(() => {
        lockHeld = false;
        void locker.query('COMMIT');
      }, 4 * ADMIN_READ_TIMEOUT_MS);
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE fila_mensagens IN ACCESS EXCLUSIVE MODE');
        const [hourly, dead] = await Promise.all([
          http().get('/admin/stats/hourly').set(auth),
          http().get('/admin/dead-letters').set(auth),
        ]);
        expect(lockHeld).toBe(true);
        for (const response of [hourly, dead]) {
          expect(response.status).toBe(503);
          expect(response.body.message).toMatch(/database did not answer within \d+ s/);
        }
      } finally {
        clearTimeout(release);
        await locker.query('COMMIT').catch(() => undefined);
        await locker.end();
      }
      await http().get('/admin/stats/hourly').set(auth).expect(200);
    }, 60_000);

    it('answers 503 saying the database is unreachable, not an opaque 500, while it refuses connections', async () => {
      const target = new URL(db.url);
      const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
      const proxied = new URL(db.url);
      proxied.port = String(await proxy.listen());
      const cutOff = await createHttpApp(testConfig({ ...env, DATABASE_URL: proxied.toString() }));
      try {
        const server = cutOff.getHttpServer();
        proxy.refuse();
        const answers = [
          await request(server).get('/admin/jobs').set(auth),
          await request(server).get('/admin/dead-letters').set(auth),
          await request(server).post(`/admin/jobs/${JOB}/pause`).set(auth),
          await request(server)
            .post('/admin/dead-letters/redrive')
            .set(auth)
            .send({ ids: [leadId] }),
        ];
        for (const response of answers) {
          expect(response.status).toBe(503);
          expect(response.body).toEqual({
            statusCode: 503,
            error: 'Service Unavailable',
            message: expect.stringMatching(/^the database is unreachable/),
          });
        }
        proxy.forward();
        await request(server).get('/admin/jobs').set(auth).expect(200);
      } finally {
        await cutOff.close();
        await proxy.close();
      }
    }, 60_000);

    it('publishes the OpenAPI document at /admin/docs', async () => {
      const { body } = await http().get('/admin/docs-json').expect(200);
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/admin/jobs',
          '/admin/jobs/{name}/run',
          '/admin/jobs/{name}/pause',
          '/admin/jobs/{name}/resume',
          '/admin/jobs/{name}/executions',
          '/admin/dead-letters',
          '/admin/dead-letters/redrive',
          '/admin/messages',
          '/admin/pilot',
          '/admin/handoffs/{id}/answer',
        ]),
      );
      expect(
        body.paths['/admin/messages'].post.requestBody.content['application/json'].schema.required,
      ).toEqual(['lead_id', 'conteudo']);
      const page = await http().get('/admin/docs').expect(200);
      expect(page.text).toContain('swagger-ui');
    });

    it('sends security headers', async () => {
      const response = await http().get('/health').expect(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    });

    it('lets the dashboard load its script over the plain HTTP the service speaks', async () => {
      // upgrade-insecure-requests would have the browser fetch app.js and the API over https, which this
      // port does not serve: a blank page when the dashboard is opened by address rather than localhost
      const response = await http().get('/admin/dashboard').expect(200);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    });
  });
});
