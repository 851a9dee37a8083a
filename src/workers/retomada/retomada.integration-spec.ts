import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { useWorkerHarness } from '../../../test/utils/test-context';
import { JobNames } from '../../scheduler/job-names';
import { RETOMADA_BATCH_SIZE } from './retomada.constants';
import { RetomadaModule } from './retomada.module';
import { RetomadaRepository } from './retomada.repository';
import { RetomadaWorker } from './retomada.worker';

// Tuesday 2026-03-10, 08:00 in São Paulo
const OPENING = new Date('2026-03-10T11:00:00Z');

describe('retomada_fora_horario (PostgreSQL)', () => {
  const clock = new FakeClock(OPENING);
  const harness = useWorkerHarness({ database: 'dw_retomada', jobName: JobNames.retomadaForaHorario, clock });

  async function compileWorker(env: Record<string, string> = {}): Promise<RetomadaWorker> {
    const config = testConfig({ SCHEDULER_TIMEZONE: 'America/Sao_Paulo', ...env });
    return (await harness.compile(config, [RetomadaModule])).get(RetomadaWorker);
  }

  async function lead(nome: string | null, telefone: string | null, optedOut = false): Promise<string> {
    const { rows } = await harness.db.sql.query<{ id: string }>(
      'INSERT INTO leads (nome, telefone, opted_out) VALUES ($1, $2, $3) RETURNING id',
      [nome, telefone, optedOut],
    );
    return rows[0].id;
  }

  /** as the inbound service does: only the required columns (plus when it arrived) */
  async function received(leadId: string, mensagem: string, recebidaEm: string): Promise<string> {
    const { rows } = await harness.db.sql.query<{ id: string }>(
      'INSERT INTO mensagens_fora_horario (lead_id, mensagem, recebida_em) VALUES ($1, $2, $3) RETURNING id',
      [leadId, mensagem, recebidaEm],
    );
    return rows[0].id;
  }

  async function outcomes() {
    const { rows } = await harness.db.sql.query(
      `SELECT m.mensagem, m.processada, m.resultado, f.tipo, f.prioridade, f.metadata -> 'horario_comercial' AS horario_comercial, f.conteudo
       FROM mensagens_fora_horario m LEFT JOIN fila_mensagens f ON f.id = m.fila_mensagem_id
       ORDER BY m.recebida_em`,
    );
    return rows;
  }

  let worker: RetomadaWorker;

  beforeAll(async () => {
    worker = await compileWorker();
  });

  beforeEach(async () => {
    clock.set(OPENING);
    await harness.db.sql.query('TRUNCATE mensagens_fora_horario, fila_mensagens, leads CASCADE');
  });

  it('answers each message with a greeting by name, records the result, and skips opted-out and phoneless leads', async () => {
    const maria = await lead('Maria Clara', '5511911110001');
    await received(maria, 'Tem plantão no sábado?', '2026-03-10T01:30:00Z');
    await received(await lead('João', '5511911110002', true), 'Quero sair da lista', '2026-03-09T23:10:00Z');
    await received(await lead('Sem Fone', null), 'Olá', '2026-03-10T02:00:00Z');
    await received(await lead(null, '5511911110003'), 'Oi', '2026-03-10T09:00:00Z');

    const result = await worker.run(harness.jobContext());

    expect(result).toEqual({
      itemsProcessed: 4,
      details: { processed: 4, enqueued: 2, withoutPhone: 1, optedOut: 1 },
    });
    expect(await outcomes()).toEqual([
      expect.objectContaining({ processada: true, resultado: 'bloqueada: opted_out', tipo: null }),
      {
        mensagem: 'Tem plantão no sábado?',
        processada: true,
        resultado: 'enfileirada',
        tipo: 'resposta',
        prioridade: 9,
        // a backlog, not a live conversation: the queue holds it to business hours and paces it
        horario_comercial: true,
        conteudo:
          'Bom dia, Maria! Vi sua mensagem de 09/03 às 22:30: "Tem plantão no sábado?". Agora estou por aqui: vamos continuar?',
      },
      expect.objectContaining({ processada: true, resultado: 'ignorada: sem telefone', tipo: null }),
      expect.objectContaining({
        resultado: 'enfileirada',
        conteudo: expect.stringMatching(/^Bom dia! Vi sua mensagem de 10\/03 às 06:00/),
      }),
    ]);
  });

  it('quotes a long message cut before an emoji, never through it (half of one is stored as U+FFFD)', async () => {
    await received(
      await lead('Ana', '5511911110005'),
      `${'a'.repeat(78)}😀 tem vaga?`,
      '2026-03-10T01:00:00Z',
    );
    await worker.run(harness.jobContext());
    const [{ conteudo }] = await outcomes();
    expect(conteudo).toContain(`"${'a'.repeat(78)}…"`);
    expect(conteudo).not.toContain('\uFFFD');
  });

  it('says Boa tarde in the afternoon', async () => {
    await received(await lead('Pedro', '5511911110004'), 'Oi', '2026-03-10T01:00:00Z');
    clock.set('2026-03-10T17:00:00Z'); // 14:00 local
    await worker.run(harness.jobContext());
    expect((await outcomes())[0].conteudo).toMatch(/^Boa tarde, Pedro!/);
  });

  it('enqueues nothing the second time, nor when two runs overlap', async () => {
    const other = await compileWorker();
    for (let i = 0; i < 120; i++)
      await received(
        await lead(`Lead ${i}`, `55119222${String(i).padStart(5, '0')}`),
        `msg ${i}`,
        '2026-03-10T01:00:00Z',
      );

    const results = await Promise.all([worker.run(harness.jobContext()), other.run(harness.jobContext())]);
    expect(results[0].itemsProcessed + results[1].itemsProcessed).toBe(120);
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(0);
    const { rows } = await harness.db.sql.query(
      `SELECT count(*)::int AS n, count(DISTINCT chave_idempotencia)::int AS keys FROM fila_mensagens`,
    );
    expect(rows[0]).toEqual({ n: 120, keys: 120 });
  });

  it('finishes the batch in hand and stops when the service begins shutting down; the next run goes on', async () => {
    const module = await harness.compile(testConfig({ SCHEDULER_TIMEZONE: 'America/Sao_Paulo' }), [
      RetomadaModule,
    ]);
    const repository = module.get(RetomadaRepository);
    const stopping = new AbortController();
    const processBatch = repository.processBatch.bind(repository);
    jest.spyOn(repository, 'processBatch').mockImplementation(async (...args) => {
      const batch = await processBatch(...args);
      stopping.abort();
      return batch;
    });
    for (let i = 0; i < 120; i++)
      await received(
        await lead(`Lead ${i}`, `55119333${String(i).padStart(5, '0')}`),
        `msg ${i}`,
        '2026-03-10T01:00:00Z',
      );

    const stopped = await module.get(RetomadaWorker).run(harness.jobContext(undefined, stopping.signal));

    expect(stopped).toEqual({
      itemsProcessed: RETOMADA_BATCH_SIZE,
      details: {
        processed: RETOMADA_BATCH_SIZE,
        enqueued: RETOMADA_BATCH_SIZE,
        withoutPhone: 0,
        optedOut: 0,
        stopped_for_shutdown: true,
      },
    });
    const left = await harness.db.sql.query(
      `SELECT count(*)::int AS n FROM mensagens_fora_horario WHERE NOT processada`,
    );
    expect(left.rows[0].n).toBe(120 - RETOMADA_BATCH_SIZE);
    expect((await worker.run(harness.jobContext())).itemsProcessed).toBe(120 - RETOMADA_BATCH_SIZE);
  });

  describe('business hours that open after the 08:00 run (mon-fri 09:00-18:00)', () => {
    let lateOpening: RetomadaWorker;

    beforeAll(async () => {
      lateOpening = await compileWorker({ BUSINESS_HOURS: 'mon-fri 09:00-18:00' });
    });

    it('answers on the 08:00 run, with the replies scheduled for the 09:00 opening', async () => {
      await received(await lead('Maria Clara', '5511911110006'), 'Tem plantão?', '2026-03-10T01:30:00Z');

      expect(await lateOpening.run(harness.jobContext())).toEqual({
        itemsProcessed: 1,
        details: {
          processed: 1,
          enqueued: 1,
          withoutPhone: 0,
          optedOut: 0,
          scheduledFor: '2026-03-10T12:00:00.000Z',
        },
      });
      const { rows } = await harness.db.sql.query(
        `SELECT f.agendar_para, f.conteudo FROM mensagens_fora_horario m
           JOIN fila_mensagens f ON f.id = m.fila_mensagem_id WHERE m.processada`,
      );
      expect(rows).toEqual([
        {
          agendar_para: new Date('2026-03-10T12:00:00Z'),
          conteudo: expect.stringMatching(/^Bom dia, Maria!/),
        },
      ]);
    });

    it("still does nothing after the day's closing", async () => {
      await received(await lead('Ana', '5511911110007'), 'Oi', '2026-03-10T01:00:00Z');
      clock.set('2026-03-10T22:00:00Z'); // 19:00 on Tuesday
      expect(await lateOpening.run(harness.jobContext())).toEqual({
        itemsProcessed: 0,
        details: { skipped: 'outside business hours' },
      });
    });
  });

  it('does nothing outside business hours and says so', async () => {
    await received(await lead('Ana', '5511911110005'), 'Oi', '2026-03-10T01:00:00Z');
    clock.set('2026-03-10T02:00:00Z'); // 23:00 on Monday
    expect(await worker.run(harness.jobContext())).toEqual({
      itemsProcessed: 0,
      details: { skipped: 'outside business hours' },
    });
    expect(await outcomes()).toEqual([expect.objectContaining({ processada: false, resultado: null })]);
  });
});
