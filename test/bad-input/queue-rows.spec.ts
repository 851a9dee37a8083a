import fc from 'fast-check';
import type { DatabaseError } from 'pg';
import { FilaRepository } from '../../src/workers/fila/fila.repository';
import { fakeReply } from '../fakes/fake-reply';
import { MONDAY_10H, MONDAY_9H, useFilaHarness } from '../utils/fila-harness';

const MAX_TEXT = 4096;

type Row = Record<string, unknown>;

// `fila_mensagens` rows written by hand, as the other services of the platform do: every odd value the
// table accepts must end in a final status, or wait with a reason, and never hold the rest of the batch.
describe('fila_mensagens rows inserted by hand with odd values', () => {
  const fila = useFilaHarness({
    database: 'bad_input_queue',
    redisLabel: 'bad_input_queue',
    env: {
      RATE_LIMIT_PER_HOUR: '10000',
      RATE_LIMIT_PER_DAY: '100000',
      // one batch for everything, so "the rest of the batch" is really the same batch
      QUEUE_BATCH_SIZE: '200',
    },
  });
  let phoneSequence = 0;

  /** a fresh valid phone, so leads never collide on the unique telefone */
  function newPhone(): string {
    phoneSequence += 1;
    return `55119${String(phoneSequence).padStart(8, '0')}`;
  }

  async function insertError(columns: Row): Promise<DatabaseError> {
    try {
      await fila.enqueue(columns);
    } catch (error) {
      return error as DatabaseError;
    }
    throw new Error(`the database accepted ${JSON.stringify(columns).slice(0, 200)}`);
  }

  async function statusCounts(): Promise<Record<string, number>> {
    const { rows } = await fila.db.sql.query(
      `SELECT status, count(*)::int AS n FROM fila_mensagens GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  /** the text the provider received for this phone (undefined when nothing was sent to it) */
  function sentTo(phone: string): string | undefined {
    const request = fila.evolution.requests.find((r) => r.recipient === phone);
    return (request?.body as { text?: string } | undefined)?.text;
  }

  it('the database itself refuses what the table does not allow, naming the constraint', async () => {
    const leadId = await fila.lead(newPhone());
    const byConstraint = async (columns: Row) =>
      (await insertError({ lead_id: leadId, ...columns })).constraint;
    expect(await byConstraint({ prioridade: 11 })).toBe('fila_mensagens_prioridade_range');
    expect(await byConstraint({ prioridade: -1 })).toBe('fila_mensagens_prioridade_range');
    expect(await byConstraint({ status: 'enviando' })).toBe('fila_mensagens_status_valid');
    expect(await byConstraint({ status: '' })).toBe('fila_mensagens_status_valid');
    expect(await byConstraint({ lead_id: '00000000-0000-4000-8000-000000000000' })).toBe(
      'fila_mensagens_lead_id_fkey',
    );
    for (const column of ['lead_id', 'conteudo', 'tipo']) {
      const error = await insertError({ lead_id: leadId, [column]: null });
      expect({ code: error.code, column: error.column }).toEqual({ code: '23502', column });
    }
    // PostgreSQL text cannot hold NUL: refused by the database, never seen by the worker
    expect((await insertError({ lead_id: leadId, conteudo: 'a\u0000b' })).code).toBe('22021');
    expect(await statusCounts()).toEqual({});
  });

  it('a batch of odd rows: each ends final or waiting with a reason, nothing stays processando, the rest is sent', async () => {
    const phones = Array.from({ length: 12 }, newPhone);
    const odd = 'مرحبا 👩🏽‍⚕️ plantão\u202e עברית\u0301 \u200d𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \t\r\n\uFEFF end';
    const emoji4096 = '🚑'.repeat(MAX_TEXT / 2);
    const deep = JSON.stringify(Array.from({ length: 200 }).reduce((inner) => ({ a: [inner] }), 'x'));
    const cases: Record<string, { columns: Row; expect: Row | RegExp }> = {
      noPhone: { columns: { lead_id: await fila.lead(null) }, expect: /^no_phone/ },
      emptyPhone: { columns: { lead_id: await fila.lead('') }, expect: /^no_phone/ },
      letters: { columns: { lead_id: await fila.lead('55119abc00001') }, expect: /^bad_phone/ },
      short: { columns: { lead_id: await fila.lead('12345') }, expect: /^bad_phone/ },
      long: { columns: { lead_id: await fila.lead('5511900000000000000') }, expect: /^bad_phone/ },
      plus: { columns: { lead_id: await fila.lead('+5511900000077') }, expect: /^bad_phone/ },
      spaces: { columns: { lead_id: await fila.lead('55 11 90000 0078') }, expect: /^bad_phone/ },
      oneMegabyte: {
        columns: { lead_id: await fila.lead(phones[0]), conteudo: 'x'.repeat(1 << 20) },
        expect: /^text_too_long/,
      },
      blank: {
        columns: { lead_id: await fila.lead(phones[1]), conteudo: ' \n\t\u00a0' },
        expect: /^empty_text/,
      },
      empty: { columns: { lead_id: await fila.lead(phones[2]), conteudo: '' }, expect: /^empty_text/ },
      optedOut: {
        columns: { lead_id: await fila.lead(phones[3], { opted_out: true }) },
        expect: { status: 'bloqueada', erro: 'opted_out' },
      },
      farFuture: {
        columns: { lead_id: await fila.lead(phones[4]), agendar_para: '9999-12-31T00:00:00Z' },
        expect: { status: 'pendente', erro: null, tentativas: 0 },
      },
      infinity: {
        columns: { lead_id: await fila.lead(phones[5]), agendar_para: 'infinity' },
        expect: { status: 'pendente', erro: null, tentativas: 0 },
      },
      sent: { columns: { lead_id: await fila.lead(phones[6]) }, expect: { status: 'enviada' } },
    };
    // rows that must be sent, each with its own odd but legal values
    const sendable: Record<string, Row> = {
      unicode: { conteudo: odd },
      emoji4096: { conteudo: emoji4096 },
      prioridade0: { prioridade: 0 },
      prioridade10: { prioridade: 10 },
      maxTentativas0: { max_tentativas: 0 },
      maxTentativas1: { max_tentativas: 1 },
      maxTentativasNegative: { max_tentativas: -1, tentativas: 7 },
      tipoEmpty: { tipo: '' },
      tipoOdd: { tipo: '🚀 RESPOSTA; DROP TABLE' },
      veryOld: { agendar_para: '1970-01-01T00:00:00Z' },
      ancient: { agendar_para: '0001-01-01T00:00:00Z' },
      minusInfinity: { agendar_para: '-infinity' },
      metadataObject: { metadata: '{"campanha": {"id": 7, "tags": ["a", null, true]}}' },
      metadataArray: { metadata: '[1, "dois", [3], {"4": 4}]' },
      metadataString: { metadata: '"só uma string"' },
      metadataNumber: { metadata: '1e308' },
      metadataJsonNull: { metadata: 'null' },
      metadataDeep: { metadata: deep },
      metadataBig: { metadata: JSON.stringify({ blob: '🚀'.repeat(300_000) }) },
    };
    const ids = new Map<string, string>();
    for (const [name, { columns }] of Object.entries(cases)) ids.set(name, await fila.enqueue(columns));
    const sendablePhones = new Map<string, string>();
    for (const [name, columns] of Object.entries(sendable)) {
      const phone = newPhone();
      sendablePhones.set(name, phone);
      ids.set(name, await fila.enqueue({ lead_id: await fila.lead(phone), ...columns }));
    }

    // the queue's own statistics read every row above without choking (e.g. on -infinity)
    const { context, run } = await fila.worker();
    await expect(context.get(FilaRepository).stats(new Date(MONDAY_10H))).resolves.toMatchObject({
      size: Object.keys(cases).length + Object.keys(sendable).length - 2,
    });

    const outcome = await run();
    expect(outcome).toMatchObject({ status: 'success' });
    expect(await statusCounts()).not.toHaveProperty('processando');

    for (const [name, { expect: expected }] of Object.entries(cases)) {
      const row = await fila.message(ids.get(name)!);
      if (expected instanceof RegExp) {
        expect({ name, status: row.status, tentativas: row.tentativas }).toEqual({
          name,
          status: 'erro',
          tentativas: 0,
        });
        expect(row.erro).toMatch(expected);
      } else expect({ name, ...row }).toMatchObject({ name, ...expected });
    }
    for (const [name, phone] of sendablePhones) {
      const row = await fila.message(ids.get(name)!);
      expect({ name, status: row.status, erro: row.erro }).toEqual({ name, status: 'enviada', erro: null });
      const conteudo = sendable[name].conteudo ?? 'Olá, temos um plantão';
      expect(sentTo(phone)).toBe(conteudo);
    }
    expect(fila.evolution.requests).toHaveLength(sendablePhones.size + 1);
  });

  it('max_tentativas 0 and 1 dead-letter at the first temporary failure; the default retries', async () => {
    const zero = await fila.enqueue({ lead_id: await fila.lead(newPhone()), max_tentativas: 0 });
    const one = await fila.enqueue({ lead_id: await fila.lead(newPhone()), max_tentativas: 1 });
    const negative = await fila.enqueue({ lead_id: await fila.lead(newPhone()), max_tentativas: -5 });
    const usual = await fila.enqueue({ lead_id: await fila.lead(newPhone()) });
    fila.evolution.respondAlways(fakeReply.serverError(503));
    await (await fila.worker()).run();
    for (const id of [zero, one, negative]) {
      const row = await fila.message(id);
      expect(row).toMatchObject({ status: 'erro', tentativas: 1 });
      expect(row.erro).toMatch(/^dead_letter after 1 attempts: temporary: HTTP 503/);
    }
    expect(await fila.message(usual)).toMatchObject({ status: 'pendente', tentativas: 1 });
    expect(await statusCounts()).not.toHaveProperty('processando');
  });

  it('rows another service left in processando without processando_desde are not stuck forever', async () => {
    const neverSentPhone = newPhone();
    const neverSent = await fila.enqueue({ lead_id: await fila.lead(neverSentPhone), status: 'processando' });
    const maybeSent = await fila.enqueue({
      lead_id: await fila.lead(newPhone()),
      status: 'processando',
      envio_iniciado_em: MONDAY_9H,
    });
    const finalRows: Array<{ status: string; id: string }> = [];
    for (const status of ['enviada', 'erro', 'bloqueada', 'cancelada'])
      finalRows.push({ status, id: await fila.enqueue({ lead_id: await fila.lead(newPhone()), status }) });
    await (await fila.worker()).run();
    // never sent: reclaimed (an attempt counted) and sent once in the same poll
    expect(await fila.message(neverSent)).toMatchObject({ status: 'enviada', tentativas: 1 });
    // the send may have started: not re-sent, left for the operator with the reason
    const unknown = await fila.message(maybeSent);
    expect(unknown.status).toBe('erro');
    expect(unknown.erro).toMatch(/^send_outcome_unknown/);
    for (const { status, id } of finalRows)
      expect(await fila.message(id)).toMatchObject({ status, erro: null });
    expect(fila.evolution.requests.map((request) => request.recipient)).toEqual([neverSentPhone]);
  });

  // the phone of a generated row: valid, missing, or one of the shapes people type
  const phoneKind = fc.constantFrom('valid', 'null', 'letters', 'short', 'long', 'plus', 'spaces');
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
    fc.string({ unit: 'grapheme-composite', maxLength: 50 }),
    fc.constantFrom(
      '',
      ' ',
      '\n\t',
      '\u00a0',
      'x'.repeat(MAX_TEXT),
      'x'.repeat(MAX_TEXT + 1),
      '🚑'.repeat(2049),
    ),
  );
  const metadata = fc.option(
    fc.jsonValue({ maxDepth: 4 }).filter((value) => !JSON.stringify(value).includes('\\u0000')),
  );
  const generatedRow = fc.record({
    phone: phoneKind,
    conteudo: text,
    tipo: fc.string({ maxLength: 20 }),
    prioridade: fc.integer({ min: 0, max: 10 }),
    maxTentativas: fc.integer({ min: -2, max: 5 }),
    minutesFromNow: fc.oneof(
      fc.integer({ min: -10_000_000, max: -1 }),
      fc.integer({ min: 1, max: 10_000_000 }),
    ),
    metadata,
  });

  function phoneFor(kind: string): string | null {
    const valid = newPhone();
    switch (kind) {
      case 'valid':
        return valid;
      case 'null':
        return null;
      case 'letters':
        return `${valid.slice(0, 6)}abc${valid.slice(6)}`;
      case 'short':
        return valid.slice(-9);
      case 'long':
        return `${valid}00000`;
      case 'plus':
        return `+${valid}`;
      default:
        return `${valid.slice(0, 2)} ${valid.slice(2, 4)} ${valid.slice(4)}`;
    }
  }

  it('property: any batch of generated rows ends as the screening rules say, and every valid row is sent as written', async () => {
    const { run } = await fila.worker();
    await fc.assert(
      fc.asyncProperty(fc.array(generatedRow, { minLength: 1, maxLength: 12 }), async (rows) => {
        await fila.db.sql.query('TRUNCATE fila_mensagens, leads CASCADE');
        fila.evolution.requests.length = 0;
        const inserted: Array<{ id: string; phone: string | null; expected: string; conteudo: string }> = [];
        for (const generated of rows) {
          const phone = phoneFor(generated.phone);
          const due = generated.minutesFromNow < 0;
          const expected =
            phone === null
              ? 'erro:no_phone'
              : !/^\d{10,15}$/.test(phone)
                ? 'erro:bad_phone'
                : !due
                  ? 'pendente'
                  : !generated.conteudo.trim()
                    ? 'erro:empty_text'
                    : generated.conteudo.length > MAX_TEXT
                      ? 'erro:text_too_long'
                      : 'enviada';
          const id = await fila.enqueue({
            lead_id: await fila.lead(phone),
            conteudo: generated.conteudo,
            tipo: generated.tipo,
            prioridade: generated.prioridade,
            max_tentativas: generated.maxTentativas,
            agendar_para: new Date(Date.parse(MONDAY_10H) + generated.minutesFromNow * 60_000),
            metadata: generated.metadata === null ? null : JSON.stringify(generated.metadata),
          });
          inserted.push({ id, phone, expected: due ? expected : 'pendente', conteudo: generated.conteudo });
        }
        const outcome = await run();
        expect(outcome.status).toBe('success');
        for (const row of inserted) {
          const stored = await fila.message(row.id);
          const actual =
            stored.status === 'erro' ? `erro:${String(stored.erro).split(':')[0]}` : String(stored.status);
          expect({ id: row.id, actual }).toEqual({ id: row.id, actual: row.expected });
          if (row.expected === 'enviada') expect(sentTo(row.phone!)).toBe(row.conteudo);
        }
        expect(fila.evolution.requests).toHaveLength(
          inserted.filter((row) => row.expected === 'enviada').length,
        );
      }),
      { numRuns: 12 },
    );
  });
});
