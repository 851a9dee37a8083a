import { PilotModeRepository } from '../../src/workers/pilot-mode/pilot-mode.repository';
import { rowsReadFrom, statementsSent, useSeededDatabase } from '../utils/query-plan';

/**
 * pilot_mode measures its pilot group every 15 min: a few hundred leads of a table of hundreds of
 * thousands. It must read the group, not the table.
 */

const LEADS = 200_000;
const PILOT_EVERY = 500; // 400 pilot leads

describe('lead reads at production size (real PostgreSQL)', () => {
  const scale = useSeededDatabase('lead_reads_at_scale', async (db) => {
    await db.sql.query(
      `INSERT INTO leads (telefone, grupo_piloto, last_inbound_at)
       SELECT '5511' || lpad(g::text, 9, '0'), g % ${PILOT_EVERY} = 0, now() - (g % 1000) * interval '1 hour'
         FROM generate_series(1, ${LEADS}) g`,
    );
    await db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, status, enviada_em, updated_at)
       SELECT id, 'Olá', 'campanha', 'enviada', now() - interval '2 hours', now() - interval '2 hours'
         FROM leads WHERE grupo_piloto`,
    );
    await db.sql.query('VACUUM ANALYZE leads');
    await db.sql.query('VACUUM ANALYZE fila_mensagens');
  });

  it("pilot_mode's measure reads the pilot group's leads, not every lead", async () => {
    const now = new Date();
    const [statement] = await statementsSent(
      () => new PilotModeRepository(scale.prisma).measure(new Date(now.getTime() - 24 * 3_600_000), now),
      'grupo_piloto',
    );
    // six figures over the 400 pilot leads
    expect(await rowsReadFrom(scale.db, statement, 'leads')).toBeLessThanOrEqual(10 * (LEADS / PILOT_EVERY));
  }, 60_000);
});
