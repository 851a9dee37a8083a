import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GRUPOS_CORPUS } from '../../../test/fixtures/grupos/corpus';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { useWorkerHarness } from '../../../test/utils/test-context';
import { JobNames } from '../../scheduler/job-names';
import { GruposModule } from './grupos.module';
import { GruposWorker } from './grupos.worker';

// Tuesday 2026-03-10, 09:30 in São Paulo
const NOW = new Date('2026-03-10T12:30:00Z');
const MINUTE = 60_000;

/** A fake OpenAI-compatible chat completions endpoint on 127.0.0.1. */
class FakeClassifier {
  readonly requests: Array<{
    authorization?: string;
    body: { model: string; messages: Array<{ content: string }> };
  }> = [];
  status = 200;
  answer = '{"oferta": true}';
  delayMs = 0;
  /** called when a request has arrived */
  onRequest: () => void = () => undefined;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(
          Buffer.concat(chunks).toString('utf8'),
        ) as FakeClassifier['requests'][0]['body'];
        this.requests.push({ authorization: request.headers.authorization, body });
        this.onRequest();
        // as strict JSON parsers do (serde_json behind several OpenAI-compatible APIs): RFC 8259 text is
        // Unicode, and an escaped half of a surrogate pair is refused with a 400
        if (body.messages.some((m) => /\p{Cs}/u.test(m.content))) {
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: 'lone leading surrogate in hex escape' } }));
          return;
        }
        const reply = () => {
          if (response.destroyed) return;
          response.writeHead(this.status, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({ choices: [{ message: { role: 'assistant', content: this.answer } }] }),
          );
        };
        if (this.delayMs > 0) setTimeout(reply, this.delayMs).unref();
        else reply();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/chat/completions`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('grupos_worker (PostgreSQL)', () => {
  const clock = new FakeClock(NOW);
  const harness = useWorkerHarness({ database: 'gr_pipeline', jobName: JobNames.gruposWorker, clock });
  const classifier = new FakeClassifier();
  let classifierUrl: string;

  async function compileWorker(env: Record<string, string> = {}): Promise<GruposWorker> {
    const config = testConfig({ SCHEDULER_TIMEZONE: 'America/Sao_Paulo', ...env });
    return (await harness.compile(config, [GruposModule])).get(GruposWorker);
  }

  /** As other services do: only the required columns, plain SQL. */
  async function insertMessage(
    texto: string,
    recebidaEm = '2026-03-10T12:00:00Z',
    grupo = 'Plantões SP',
  ): Promise<string> {
    const { rows } = await harness.db.sql.query<{ id: string }>(
      `INSERT INTO mensagens_grupo (grupo, autor, texto, recebida_em) VALUES ($1, '5511987654321', $2, $3) RETURNING id`,
      [grupo, texto, recebidaEm],
    );
    return rows[0].id;
  }

  async function message(id: string) {
    const { rows } = await harness.db.sql.query<{
      estagio: string;
      tentativas: number;
      erro: string | null;
      proxima_tentativa_em: Date | null;
      reivindicada_por: string | null;
      resultado: Record<string, unknown> | null;
    }>(
      `SELECT estagio, tentativas, erro, proxima_tentativa_em, reivindicada_por, resultado FROM mensagens_grupo WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async function vagas() {
    const { rows } = await harness.db.sql.query<{
      hospital: string;
      especialidade: string | null;
      data: string;
      hora_inicio: string;
      hora_fim: string | null;
      valor: string | null;
      status: string;
      mensagem_grupo_id: string | null;
    }>(
      `SELECT hospital, especialidade, data::text, hora_inicio, hora_fim, valor::text, status, mensagem_grupo_id::text
       FROM vagas ORDER BY data, hora_inicio, hospital, especialidade`,
    );
    return rows;
  }

  let worker: GruposWorker;

  beforeAll(async () => {
    classifierUrl = await classifier.start();
    worker = await compileWorker();
  });

  afterAll(async () => {
    await classifier.stop();
  });

  beforeEach(async () => {
    clock.set(NOW);
    classifier.requests.length = 0;
    classifier.status = 200;
    classifier.answer = '{"oferta": true}';
    classifier.delayMs = 0;
    classifier.onRequest = () => undefined;
    await harness.db.sql.query('TRUNCATE mensagens_grupo, vagas CASCADE');
  });

  it('takes every message of the corpus to a final stage in one run and imports each shift once', async () => {
    const ids = new Map<string, string>();
    for (const entry of GRUPOS_CORPUS) ids.set(entry.id, await insertMessage(entry.texto, entry.recebidaEm));

    const result = await worker.run(harness.jobContext());

    const { rows: stages } = await harness.db.sql.query<{ estagio: string; n: number }>(
      `SELECT estagio, count(*)::int AS n FROM mensagens_grupo GROUP BY estagio ORDER BY estagio`,
    );
    const offersWithShifts = GRUPOS_CORPUS.filter((entry) => entry.plantoes.length > 0).length;
    expect(Object.fromEntries(stages.map((row) => [row.estagio, row.n]))).toEqual({
      finalizado: offersWithShifts,
      descartado: GRUPOS_CORPUS.length - offersWithShifts,
    });

    const expectedKeys = new Set(
      GRUPOS_CORPUS.flatMap((entry) =>
        entry.plantoes.map((p) => [p.hospital, p.data, p.horaInicio, p.especialidade ?? ''].join('|')),
      ),
    );
    const imported = await vagas();
    expect(
      new Set(imported.map((v) => [v.hospital, v.data, v.hora_inicio, v.especialidade ?? ''].join('|'))),
    ).toEqual(expectedKeys);
    expect(imported).toHaveLength(expectedKeys.size);
    expect(imported.every((v) => v.status === 'aberta' && v.mensagem_grupo_id !== null)).toBe(true);

    const issueExample = imported.filter(
      (v) =>
        v.hospital === 'Hospital São Lucas' &&
        v.data === '2026-03-15' &&
        v.hora_inicio === '19:00' &&
        v.especialidade === 'Medicina Intensiva',
    );
    const postedIn = GRUPOS_CORPUS.filter((entry) =>
      entry.plantoes.some(
        (p) =>
          p.hospital === 'Hospital São Lucas' &&
          p.data === '2026-03-15' &&
          p.horaInicio === '19:00' &&
          p.especialidade === 'Medicina Intensiva',
      ),
    ).map((entry) => ids.get(entry.id));
    expect(issueExample).toEqual([
      expect.objectContaining({ hora_fim: '07:00', valor: '1800.00', status: 'aberta' }),
    ]);
    expect(postedIn).toContain(issueExample[0].mensagem_grupo_id);
    // the repost and the original: one of them imported the shift, the other found it there
    const importedBy = await Promise.all(
      postedIn.map(
        async (id) => (await message(id as string)).resultado?.importacao as { importados: number },
      ),
    );
    expect(importedBy.reduce((total, r) => total + r.importados, 0)).toBe(1);
    const repost = await message(ids.get('o23-repost-issue-example') as string);
    expect(repost).toMatchObject({
      estagio: 'finalizado',
      reivindicada_por: null,
      proxima_tentativa_em: null,
    });
    // out-of-window offers are discarded with the reason
    expect((await message(ids.get('r01-too-far') as string)).resultado).toMatchObject({
      motivo: expect.stringContaining('data fora da janela'),
    });

    expect(result.itemsProcessed).toBe(GRUPOS_CORPUS.length);
    expect(result.details).toMatchObject({
      claimed: GRUPOS_CORPUS.length,
      batches: Math.ceil(GRUPOS_CORPUS.length / 50),
      finalizado: offersWithShifts,
      descartado: GRUPOS_CORPUS.length - offersWithShifts,
      erro: 0,
      importados: expectedKeys.size,
      stages: {
        classificacao: GRUPOS_CORPUS.length,
        extracao: GRUPOS_CORPUS.filter((entry) => entry.oferta).length,
        normalizacao: offersWithShifts,
        deduplicacao: offersWithShifts,
        importacao: offersWithShifts,
      },
    });
    expect(classifier.requests).toHaveLength(0);

    // nothing left: a second run does nothing
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(0);
  });

  it('resumes a message at the stage it reached', async () => {
    const id = await insertMessage('texto já extraído');
    await harness.db.sql.query(
      `UPDATE mensagens_grupo SET estagio = 'normalizacao', resultado = $2 WHERE id = $1`,
      [
        id,
        {
          extracao: {
            plantoes: [
              {
                data: '2026-03-20',
                inicio: '19:00',
                fim: '07:00',
                hospital: 'HOSP. SAO LUCAS',
                especialidade: 'uti',
                valor: 1900,
              },
            ],
            rejeicoes: [],
          },
        },
      ],
    );

    const result = await worker.run(harness.jobContext());

    expect(await vagas()).toEqual([
      {
        hospital: 'Hospital São Lucas',
        especialidade: 'Medicina Intensiva',
        data: '2026-03-20',
        hora_inicio: '19:00',
        hora_fim: '07:00',
        valor: '1900.00',
        status: 'aberta',
        mensagem_grupo_id: id,
      },
    ]);
    expect((await message(id)).estagio).toBe('finalizado');
    expect(result.details).toMatchObject({
      stages: { classificacao: 0, extracao: 0, normalizacao: 1, deduplicacao: 1, importacao: 1 },
    });
  });

  it('asks the classifier provider only about uncertain messages', async () => {
    const configured = await compileWorker({
      GRUPOS_CLASSIFIER_URL: classifierUrl,
      GRUPOS_CLASSIFIER_API_KEY: 'sk-test',
      GRUPOS_CLASSIFIER_MODEL: 'test-model',
    });
    const uncertain = await insertMessage('Hospital Vitória 15/03 19-07');
    const certain = await insertMessage(
      'Plantão UTI Hospital Vitória 16/03 19h às 07h R$ 2.000, interessados inbox',
    );
    const chat = await insertMessage('Bom dia, grupo!');

    await configured.run(harness.jobContext());

    expect(classifier.requests).toHaveLength(1);
    expect(classifier.requests[0].authorization).toBe('Bearer sk-test');
    expect(classifier.requests[0].body.model).toBe('test-model');
    expect(classifier.requests[0].body.messages.at(-1)?.content).toBe('Hospital Vitória 15/03 19-07');
    expect((await message(uncertain)).resultado).toMatchObject({ classificacao: { fonte: 'provedor' } });
    expect((await message(uncertain)).estagio).toBe('finalizado');
    expect((await message(certain)).estagio).toBe('finalizado');
    expect((await message(chat)).estagio).toBe('descartado');
    expect((await vagas()).map((v) => v.data)).toEqual(['2026-03-15', '2026-03-16']);

    // the provider says no: discarded
    classifier.answer = 'não';
    const other = await insertMessage('Hospital Vitória 17/03 19-07');
    await configured.run(harness.jobContext());
    expect(await message(other)).toMatchObject({ estagio: 'descartado' });
  });

  it('asks about a long message cut before an emoji, never through it (strict APIs refuse half of one)', async () => {
    const configured = await compileWorker({ GRUPOS_CLASSIFIER_URL: classifierUrl });
    const start = 'Hospital Vitória 15/03 19-07';
    const id = await insertMessage(`${start}${' '.repeat(3999 - start.length)}😀😀`);

    await configured.run(harness.jobContext());

    expect(await message(id)).toMatchObject({ estagio: 'finalizado', tentativas: 0, erro: null });
    expect(classifier.requests).toHaveLength(1);
    expect(classifier.requests[0].body.messages.at(-1)?.content).toBe(
      start + ' '.repeat(3999 - start.length),
    );
  });

  it('discards uncertain messages when no provider is configured', async () => {
    const id = await insertMessage('Hospital Vitória 15/03 19-07');
    await worker.run(harness.jobContext());
    expect((await message(id)).resultado).toMatchObject({
      motivo: expect.stringContaining('sem classificador configurado'),
    });
  });

  it('retries a failing stage at 1, 5 and 15 min, then leaves the message in erro with the reason', async () => {
    const configured = await compileWorker({ GRUPOS_CLASSIFIER_URL: classifierUrl });
    classifier.status = 503;
    const id = await insertMessage('Hospital Vitória 15/03 19-07');

    for (const [attempt, delay] of [
      [1, MINUTE],
      [2, 5 * MINUTE],
      [3, 15 * MINUTE],
    ]) {
      const result = await configured.run(harness.jobContext());
      expect(result.details).toMatchObject({ retry: 1, erro: 0 });
      expect(await message(id)).toMatchObject({
        estagio: 'classificacao',
        tentativas: attempt,
        erro: 'classificacao: classificador respondeu HTTP 503',
        proxima_tentativa_em: new Date(clock.now().getTime() + delay),
        reivindicada_por: null,
      });
      // not due yet: nothing happens
      clock.advance(delay - 1000);
      expect((await configured.run(harness.jobContext())).details).toMatchObject({ claimed: 0 });
      clock.advance(1000);
    }

    const last = await configured.run(harness.jobContext());
    expect(last).toMatchObject({ itemsProcessed: 1, details: { erro: 1, retry: 0 } });
    expect(await message(id)).toMatchObject({
      estagio: 'erro',
      tentativas: 3,
      erro: 'classificacao: classificador respondeu HTTP 503',
      proxima_tentativa_em: null,
    });
    expect(classifier.requests).toHaveLength(4);

    clock.advance(60 * MINUTE);
    expect((await configured.run(harness.jobContext())).details).toMatchObject({ claimed: 0 });
  });

  it('goes on from the failed stage once the failure is gone', async () => {
    const configured = await compileWorker({ GRUPOS_CLASSIFIER_URL: classifierUrl });
    classifier.status = 500;
    const id = await insertMessage('Hospital Vitória 15/03 19-07');
    await configured.run(harness.jobContext());
    expect(await message(id)).toMatchObject({ estagio: 'classificacao', tentativas: 1 });

    classifier.status = 200;
    clock.advance(MINUTE);
    await configured.run(harness.jobContext());
    expect(await message(id)).toMatchObject({ estagio: 'finalizado', erro: null });
    expect(await vagas()).toHaveLength(1);
  });

  it('records the database’s own words when a stage’s write fails, not the client’s header line', async () => {
    // a rule the platform added to vagas: imports from groups suspended
    await harness.db.sql.query(
      `ALTER TABLE vagas ADD CONSTRAINT vagas_importacao_suspensa CHECK (mensagem_grupo_id IS NULL) NOT VALID`,
    );
    try {
      const id = await insertMessage('Plantão UTI adulto Hospital Vitória 15/03 19h às 07h R$ 1.500');
      expect((await worker.run(harness.jobContext())).details).toMatchObject({ retry: 1 });
      const { erro } = await message(id);
      expect(erro).toMatch(/^importacao: .*violates check constraint "vagas_importacao_suspensa"/);
    } finally {
      await harness.db.sql.query(`ALTER TABLE vagas DROP CONSTRAINT vagas_importacao_suspensa`);
    }
  });

  it('imports each shift once when two runs overlap and the same shift is posted in several groups', async () => {
    const other = await compileWorker();
    const hospitals = ['Hospital Vitória', 'Hospital Santa Rita', 'Hospital Bom Jesus', 'Hospital Alvorada'];
    const posts: Array<[string, string]> = [];
    for (let day = 11; day <= 20; day += 1)
      for (const hospital of hospitals)
        for (const grupo of ['Plantões SP', 'Médicos ABC', 'Vagas Zona Sul'])
          posts.push([`Plantão UTI ${hospital} ${day}/03 19h às 07h R$ 1.800, interessados inbox`, grupo]);
    for (const [texto, grupo] of posts) await insertMessage(texto, '2026-03-10T12:00:00Z', grupo);

    const results = await Promise.all([
      worker.run(harness.jobContext()),
      other.run(harness.jobContext()),
      worker.run(harness.jobContext()),
    ]);

    const shifts = 10 * hospitals.length;
    expect(await vagas()).toHaveLength(shifts);
    const sum = (key: string) => results.reduce((total, r) => total + Number(r.details?.[key] ?? 0), 0);
    expect(sum('importados')).toBe(shifts);
    expect(sum('duplicados')).toBe(posts.length - shifts);
    expect(sum('finalizado')).toBe(posts.length);
    expect(sum('claimed')).toBe(posts.length);
    const { rows } = await harness.db.sql.query(
      `SELECT estagio, count(*)::int AS n FROM mensagens_grupo GROUP BY estagio`,
    );
    expect(rows).toEqual([{ estagio: 'finalizado', n: posts.length }]);
  });

  it('does nothing once aborted, and gives back what it had not finished', async () => {
    const id = await insertMessage('Plantão UTI Hospital Vitória 16/03 19h às 07h R$ 2.000');
    const controller = new AbortController();
    controller.abort();
    const result = await worker.run(harness.jobContext(controller.signal));
    expect(result).toMatchObject({ itemsProcessed: 0, details: { aborted: true, claimed: 0 } });
    expect(await message(id)).toMatchObject({ estagio: 'pendente', reivindicada_por: null });
  });

  it('gives back, without counting an attempt, a message whose provider call the stop cut short', async () => {
    const configured = await compileWorker({ GRUPOS_CLASSIFIER_URL: classifierUrl });
    const controller = new AbortController();
    classifier.delayMs = 5_000;
    classifier.onRequest = () => controller.abort();
    const id = await insertMessage('Hospital Vitória 15/03 19-07');

    const result = await configured.run(harness.jobContext(controller.signal));

    expect(result.details).toMatchObject({ aborted: true, retry: 0, erro: 0 });
    expect(await message(id)).toMatchObject({
      estagio: 'classificacao',
      tentativas: 0,
      erro: null,
      proxima_tentativa_em: null,
      reivindicada_por: null,
    });
  });

  it('on shutdown finishes the provider call in hand, records it, and gives the message back at its next stage', async () => {
    const configured = await compileWorker({ GRUPOS_CLASSIFIER_URL: classifierUrl });
    const stopping = new AbortController();
    classifier.delayMs = 300;
    classifier.onRequest = () => stopping.abort();
    const id = await insertMessage('Hospital Vitória 15/03 19-07');

    const result = await configured.run(harness.jobContext(undefined, stopping.signal));

    expect(classifier.requests).toHaveLength(1);
    expect(result.details).toMatchObject({ stopped_for_shutdown: true, retry: 0, erro: 0 });
    expect(result.details).not.toHaveProperty('aborted');
    expect(await message(id)).toMatchObject({
      estagio: 'extracao',
      tentativas: 0,
      erro: null,
      reivindicada_por: null,
    });
  });
});
