import { Client } from 'pg';
import { useFilaHarness } from '../utils/fila-harness';
import { within } from '../utils/within';

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

describe('fila_worker beside other sessions that hold its rows (real PostgreSQL)', () => {
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

  it('housekeeping does not wait for a row another session holds: the rest is sent, that row is cancelled next time', async () => {
    // now is MONDAY_10H, 2026-03-02T13:00Z: both campaign rows are more than 24 h old
    const expired = { tipo: 'campanha', created_at: '2026-03-01T12:00:00Z' };
    const held = await fila.enqueue({ lead_id: await fila.lead(PHONE), ...expired });
    const free = await fila.enqueue({ lead_id: await fila.lead('5511900000002'), ...expired });
    const offer = await fila.enqueue({ lead_id: await fila.lead('5511900000003') });
    const other = new Client({ connectionString: fila.db.url });
    await other.connect();
    const worker = await fila.worker();
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM fila_mensagens WHERE id = $1 FOR UPDATE', [held]);
      // waiting for the held row would hang here until the COMMIT below
      const outcome = await within(worker.run(), 5_000, 'the run');
      expect(outcome).toMatchObject({ status: 'success', details: { campaigns_expired: 1 } });
      expect(await fila.message(free)).toMatchObject({ status: 'cancelada', erro: 'expired' });
      expect(await fila.message(offer)).toMatchObject({ status: 'enviada' });
      expect(await fila.message(held)).toMatchObject({ status: 'pendente' });
    } finally {
      await other.query('COMMIT');
      await other.end();
    }
    expect(await worker.run()).toMatchObject({ status: 'success', details: { campaigns_expired: 1 } });
    expect(await fila.message(held)).toMatchObject({ status: 'cancelada', erro: 'expired' });
    expect(fila.evolution.requests.map((request) => request.recipient)).toEqual(['5511900000003']);
  });
});
