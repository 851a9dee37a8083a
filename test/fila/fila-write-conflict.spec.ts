import { Client } from 'pg';
import { useFilaHarness } from '../utils/fila-harness';

const PHONE = '5511900000001';

async function untilSomeoneWaitsForALock(sql: Client): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    const { rows } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no statement ever waited for the lead');
}

describe('fila_worker when its final write meets another writer of the same rows (real PostgreSQL)', () => {
  const fila = useFilaHarness({ database: 'fila_write_conflict', redisLabel: 'fila-conflict', env: {} });

  it('a final write rolled back in a deadlock runs again: the message is sent once and recorded as sent', async () => {
    const leadId = await fila.lead(PHONE);
    const id = await fila.enqueue({ lead_id: leadId });
    // another service's transaction (an inbound message, say) holds the lead, and then wants the message
    const other = new Client({ connectionString: fila.db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('UPDATE leads SET updated_at = now() WHERE id = $1', [leadId]);
      const run = (await fila.worker()).run();
      // the worker's final write has taken the message's row and now waits for the lead
      await untilSomeoneWaitsForALock(fila.db.sql);
      // closing the cycle: PostgreSQL rolls back the statement that waited first, the worker's, and only
      // then can this update go on, finding the row as the claim left it
      const { rows: seen } = await other.query<{ status: string }>(
        'UPDATE fila_mensagens SET updated_at = now() WHERE id = $1 RETURNING status',
        [id],
      );
      await other.query('COMMIT');
      expect(seen).toEqual([{ status: 'processando' }]);

      const outcome = await run;

      expect(outcome).toMatchObject({ status: 'success', itemsProcessed: 1 });
      expect(fila.evolution.requests).toHaveLength(1);
      expect(await fila.message(id)).toMatchObject({
        status: 'enviada',
        provider_message_id: fila.evolution.requests[0].messageId,
        processando_desde: null,
      });
      const { rows } = await fila.db.sql.query(`SELECT contatos_semana FROM leads WHERE id = $1`, [leadId]);
      expect(rows[0].contatos_semana).toBe(1);
    } finally {
      await other.end();
    }
  });
});
