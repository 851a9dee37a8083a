import type { INestApplicationContext } from '@nestjs/common';
import fc from 'fast-check';
import { JobRunner } from '../../src/scheduler/job-runner';
import { GruposModule } from '../../src/workers/grupos/grupos.module';
import { FakeClock } from '../utils/fake-clock';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

// Tuesday 2026-03-10, 09:30 in São Paulo
const NOW = '2026-03-10T12:30:00Z';
const FINAL = ['finalizado', 'descartado', 'erro'];

// Pieces of real offers, so generated texts reach extraction and normalisation, not only the classifier.
const OFFER_WORDS = [
  'Plantão',
  'plantao',
  'VAGA',
  'UTI',
  'PS',
  'pediatria',
  'clínica médica',
  'Hospital São Luiz',
  'Hosp. Sírio-Libanês',
  'R$',
  'R$ 1.500,00',
  'R$1500',
  '1.200',
  'valor',
  'dia 15',
  '15/03',
  '31/02',
  '15/03/2026',
  'amanhã',
  'sábado',
  'hoje',
  '19h',
  '7h às 19h',
  '19:00-07:00',
  '25h',
  '99:99',
  '12x36',
  '-',
  '•',
  ':',
  '\n',
  '\n\n',
  '📍',
  '🏥',
  '👩🏽‍⚕️',
  'e\u0301',
  '\u202e',
  '\u200d',
  '٣',
];

const offerish = fc
  .array(fc.oneof(fc.constantFrom(...OFFER_WORDS), fc.string({ unit: 'grapheme', maxLength: 6 })), {
    maxLength: 80,
  })
  .map((words) => words.join(' '));

const texto = fc.oneof(
  offerish,
  offerish,
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 100 }),
  fc.constantFrom('', ' ', '\n\t', '\u00a0', '🚀'.repeat(3000), 'R$ '.repeat(2000), '9'.repeat(5000)),
);

// received at any time from 2000 to 2100: the allowed shift dates are relative to it
const recebidaEm = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});

describe('mensagens_grupo rows with any text', () => {
  let db: TestDatabase;
  let context: INestApplicationContext;
  let clock: FakeClock;

  beforeAll(async () => {
    db = await createTestDatabase('bad_input_grupos');
    clock = new FakeClock(NOW);
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('bad_input_grupos'),
    });
    context = await createSchedulerContext(config, [GruposModule], clock);
  });
  afterAll(async () => {
    await context?.close();
    await db?.drop();
  });

  /** as other services insert them: plain SQL, only the columns they have */
  async function insert(messages: ReadonlyArray<{ texto: string; recebidaEm?: Date }>): Promise<string[]> {
    const ids: string[] = [];
    for (const message of messages) {
      const { rows } = await db.sql.query<{ id: string }>(
        `INSERT INTO mensagens_grupo (grupo, texto, recebida_em) VALUES ('Plantões SP', $1, $2) RETURNING id`,
        [message.texto, message.recebidaEm ?? new Date(NOW)],
      );
      ids.push(rows[0].id);
    }
    return ids;
  }

  async function runOnce() {
    return (await context.get(JobRunner).run('grupos_worker', { trigger: 'manual' }))!;
  }

  /** every row in a final stage, none needing a retry (a stage that throws on some text is a bug) */
  async function expectAllFinal(ids: readonly string[], texts: readonly string[]): Promise<void> {
    const { rows } = await db.sql.query<{
      id: string;
      estagio: string;
      tentativas: number;
      erro: string | null;
    }>(`SELECT id::text, estagio, tentativas, erro FROM mensagens_grupo WHERE id = ANY($1::uuid[])`, [ids]);
    expect(rows).toHaveLength(ids.length);
    for (const row of rows) {
      const text = texts[ids.indexOf(row.id)];
      const shown = { texto: text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text };
      expect({ ...shown, estagio: row.estagio, tentativas: row.tentativas, erro: row.erro }).toEqual({
        ...shown,
        estagio: expect.stringMatching(new RegExp(`^(${FINAL.join('|')})$`)),
        tentativas: 0,
        erro: null,
      });
    }
  }

  it('huge, empty and odd texts: the run succeeds and every row reaches a final stage', async () => {
    const offer = 'Plantão UTI adulto Hospital São Luiz dia 15/03 19h às 7h R$ 1.500,00\n';
    const texts = [
      '',
      ' \n\t ',
      offer.repeat(Math.ceil((1 << 20) / offer.length)),
      '🚑'.repeat(1 << 19),
      `${'R$ 1.000 '.repeat(50_000)}plantão`,
      'x'.repeat(1 << 20),
      'ﷺ\u202eمرحبا plantão UTI 19h R$ 1500 amanhã',
      `Plantão UTI ${'e\u0301'.repeat(9_000)} dia 15 19h R$ 1500`,
      // just under the length limit: read in full
      `${'R$ 1.000 '.repeat(2_200)}plantão`,
      offer.repeat(Math.floor(19_999 / offer.length)),
    ];
    const ids = await insert(texts.map((text) => ({ texto: text })));
    const outcome = await runOnce();
    expect(outcome).toMatchObject({ status: 'success' });
    await expectAllFinal(ids, texts);
    const { rows } = await db.sql.query<{ texto_length: number; motivo: string | null }>(
      `SELECT length(texto) AS texto_length, resultado->>'motivo' AS motivo FROM mensagens_grupo WHERE estagio = 'descartado'`,
    );
    for (const row of rows.filter((r) => r.texto_length > 65_536))
      expect(row.motivo).toMatch(/^texto longo demais/);
  });

  it('property: any batch of generated texts ends in final stages in one successful run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ texto, recebidaEm: fc.option(recebidaEm, { nil: undefined }) }), {
          minLength: 1,
          maxLength: 25,
        }),
        async (messages) => {
          await db.sql.query('TRUNCATE mensagens_grupo, vagas CASCADE');
          const ids = await insert(messages);
          const outcome = await runOnce();
          expect(outcome.status).toBe('success');
          await expectAllFinal(
            ids,
            messages.map((message) => message.texto),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});
