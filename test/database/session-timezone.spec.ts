import { createPgPrismaService } from '../../src/database/prisma-service.factory';
import type { PrismaService } from '../../src/database/prisma.service';
import { FilaRepository } from '../../src/workers/fila/fila.repository';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

/**
 * SPEC: "the database stores UTC"; its list of old-platform bugs has "staleness checks that compared naive
 * and zoned timestamps". @prisma/adapter-pg 7.10 sends every JS Date parameter as a wall-clock string in
 * UTC *without an offset* ('2026-06-01 12:00:00'), and PostgreSQL reads such a string as a time in the
 * session's TimeZone. The service never pins its sessions' TimeZone, so on a server whose TimeZone is not
 * UTC — Debian/Ubuntu's initdb copies the machine's zone into postgresql.conf, and operators who query by
 * hand (CONTRACT §4) often `ALTER DATABASE ... SET timezone = 'America/Sao_Paulo'` — every instant the
 * service writes or compares is off by the zone's offset (3 h here), while the columns other services fill
 * with now() are right. Here the queue claims a message due in 2 hours: `agendar_para <= $now` reads $now
 * as 3 h later.
 */

describe('instants on a database whose TimeZone is America/Sao_Paulo (real PostgreSQL)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let dueId: string;
  let laterId: string;

  beforeAll(async () => {
    db = await createTestDatabase('session_timezone');
    await db.sql.query(`ALTER DATABASE "${db.name}" SET timezone TO 'America/Sao_Paulo'`);
    const { rows: leads } = await db.sql.query<{ id: string }>(
      `INSERT INTO leads (telefone, nome) VALUES ('5511900000001', 'Dra. Ana') RETURNING id`,
    );
    // as another service (or a deferral) writes them: one message due now, one due in two hours
    const { rows } = await db.sql.query<{ id: string }>(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, agendar_para)
       VALUES ($1, 'agora', 'resposta', now() - interval '1 minute'),
              ($1, 'daqui a duas horas', 'resposta', now() + interval '2 hours')
       RETURNING id`,
      [leads[0].id],
    );
    [dueId, laterId] = rows.map((row) => row.id);
    prisma = createPgPrismaService(db.url); // a new session: it gets the database's TimeZone
    await prisma.onModuleInit();
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('the queue claims only what is due now, not a message scheduled two hours ahead', async () => {
    const claimedAt = new Date();
    const claimed = await new FilaRepository(prisma).claim(10, claimedAt);
    expect(claimed.map((message) => message.id).sort()).toEqual([dueId]);
    expect(laterId).toBeDefined();
  });

  it('stores the instants it writes as the real UTC instant (processando_desde of the claim)', async () => {
    const { rows } = await db.sql.query<{ id: string; skew_s: number }>(
      `SELECT id, round(extract(epoch FROM processando_desde - now()))::int AS skew_s
         FROM fila_mensagens WHERE status = 'processando'`,
    );
    // written a moment ago: the stored instant is now, give or take a few seconds (not 3 h = 10 800 s off)
    expect(rows.length).toBeGreaterThan(0);
    expect(Math.max(...rows.map((row) => Math.abs(row.skew_s)))).toBeLessThan(60);
  });
});
