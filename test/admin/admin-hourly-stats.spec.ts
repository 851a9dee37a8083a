import { AdminQueueRepository } from '../../src/admin/admin-queue.repository';
import { createPgPrismaService } from '../../src/database/prisma-service.factory';
import type { PrismaService } from '../../src/database/prisma.service';
import { rowsReadFrom, statementsSent } from '../utils/query-plan';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

/**
 * GET /admin/stats/hourly, which the dashboard asks every 15 s: the figures by their definition, and a
 * plan that reads the rows of the chart's window, not the months of sent history the table keeps.
 */

const NOW = new Date('2026-03-11T14:37:00Z');
const HOUR_MS = 3_600_000;

// The figures by definition, one pair of counts per hour (the statement before the one pass).
const BY_DEFINITION = `
  WITH hours AS (
    SELECT generate_series(date_trunc('hour', $1::timestamptz) - make_interval(hours => 23),
                           date_trunc('hour', $1::timestamptz), interval '1 hour') AS hour
  )
  SELECT h.hour,
         (SELECT count(*)::int FROM fila_mensagens
           WHERE enviada_em >= h.hour AND enviada_em < h.hour + interval '1 hour') AS sent,
         (SELECT count(*)::int FROM fila_mensagens
           WHERE created_at <= LEAST(h.hour + interval '1 hour', $1::timestamptz)
             AND agendar_para <= LEAST(h.hour + interval '1 hour', $1::timestamptz)
             AND (status = 'pendente'
                  OR (status <> 'processando' AND updated_at > h.hour + interval '1 hour'))) AS queue_size
    FROM hours h ORDER BY h.hour`;

describe('admin hourly stats (real PostgreSQL)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let repository: AdminQueueRepository;

  beforeAll(async () => {
    db = await createTestDatabase('admin_hourly_stats');
    prisma = createPgPrismaService(db.url);
    await prisma.onModuleInit();
    repository = new AdminQueueRepository(prisma);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  beforeEach(() => db.sql.query('TRUNCATE fila_mensagens, leads CASCADE'));

  it('counts what the definition counts: sent per hour, and the rows waiting at each hour end', async () => {
    const { rows: leads } = await db.sql.query<{ id: string }>(
      `INSERT INTO leads (telefone) VALUES ('5511900000001') RETURNING id`,
    );
    // every kind of row around the window: old history, rows finished within it, rows still waiting,
    // rows due in the future, rows being sent; times on and off the hour
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const at = (hoursAgo: number) => new Date(NOW.getTime() - (Math.round(hoursAgo * 4) * HOUR_MS) / 4);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = 0; i < 600; i++) {
      const status = ['enviada', 'enviada', 'bloqueada', 'erro', 'cancelada', 'pendente', 'processando'][
        Math.floor(random() * 7)
      ];
      const created = at(random() * 40);
      const due = new Date(created.getTime() + Math.floor(random() * 3) * (random() * 10 * HOUR_MS));
      const finishedHoursAgo = Math.max(
        0,
        (NOW.getTime() - Math.max(created.getTime(), due.getTime())) / HOUR_MS,
      );
      const updated =
        status === 'pendente' || status === 'processando'
          ? at(random() * 30)
          : new Date(NOW.getTime() - random() * finishedHoursAgo * HOUR_MS);
      const sentAt = status === 'enviada' ? new Date(updated.getTime() - random() * 60_000) : null;
      const n = values.length;
      tuples.push(`($1, 'x', 'campanha', $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6})`);
      values.push(status, created, due, updated, sentAt);
    }
    await db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, created_at, agendar_para, updated_at, enviada_em)
       VALUES ${tuples.join(', ')}`,
      [leads[0].id, ...values],
    );

    const { rows: expected } = await db.sql.query<{ hour: Date; sent: number; queue_size: number }>(
      BY_DEFINITION,
      [NOW],
    );
    const points = await repository.hourly(NOW, 24);

    expect(points).toHaveLength(24);
    expect(points).toEqual(expected);
    // the seed exercises the figures: sends in several hours and a queue that changes size
    expect(new Set(points.map((point) => point.sent)).size).toBeGreaterThan(2);
    expect(new Set(points.map((point) => point.queue_size)).size).toBeGreaterThan(2);
  });

  it('reads the rows of the last 24 h, not the sent history of months', async () => {
    const history = 200_000;
    await db.sql.query(`
      INSERT INTO leads (telefone) SELECT '5511' || lpad(g::text, 9, '0') FROM generate_series(1, 2000) g`);
    await db.sql.query(
      `WITH l AS (SELECT row_number() OVER () AS n, id FROM leads)
       INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, agendar_para, enviada_em, created_at, updated_at)
       SELECT l.id, 'Olá', 'campanha', CASE WHEN g % 40 = 0 THEN 'bloqueada' ELSE 'enviada' END,
              $1::timestamptz - g * interval '80 seconds',
              CASE WHEN g % 40 <> 0 THEN $1::timestamptz - g * interval '80 seconds' + interval '1 minute' END,
              $1::timestamptz - g * interval '80 seconds', $1::timestamptz - g * interval '80 seconds' + interval '1 minute'
         FROM generate_series(1, ${history}) g JOIN l ON l.n = (g % 2000) + 1`,
      [NOW],
    );
    await db.sql.query('VACUUM ANALYZE fila_mensagens');

    const [statement] = await statementsSent(() => repository.hourly(NOW, 24), 'generate_series');

    // the window holds ~1 100 of the 200 000 rows (one every 80 s)
    expect(await rowsReadFrom(db, statement, 'fila_mensagens')).toBeLessThan(5_000);
  }, 120_000);
});
