// The plain loop the issue compares with: one `pg` pool; claim a batch with FOR UPDATE SKIP LOCKED,
// send it with a bounded number of concurrent POSTs, write the whole batch with one UPDATE.
import pg from 'pg';
import { timed } from './samples.mjs';

const CLAIM = `
  WITH due AS (
    SELECT id FROM fila_mensagens
     WHERE status = 'pendente' AND agendar_para <= now()
     ORDER BY prioridade DESC, agendar_para, created_at
     LIMIT $1
     FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE fila_mensagens f SET status = 'processando', processando_desde = now(), updated_at = now()
      FROM due WHERE f.id = due.id
    RETURNING f.id, f.lead_id, f.conteudo
  )
  SELECT c.id, c.conteudo, l.telefone FROM claimed c JOIN leads l ON l.id = c.lead_id`;

const FINISH = `
  UPDATE fila_mensagens f
     SET status = 'enviada', enviada_em = now(), provider_message_id = v.message_id, processando_desde = NULL,
         updated_at = now()
    FROM unnest($1::uuid[], $2::text[]) AS v(id, message_id)
   WHERE f.id = v.id AND f.status = 'processando'`;

/**
 * Drains the queue. `sendBatch(rows)` returns the provider message ids, in order; claim latencies go into
 * `claimSamples`. Returns how many rows were written as sent.
 */
export async function drainWithPlainLoop({ databaseUrl, batchSize, claimSamples, sendBatch }) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  let sent = 0;
  try {
    for (;;) {
      const { rows } = await timed(claimSamples, () => pool.query(CLAIM, [batchSize]));
      if (rows.length === 0) break;
      const messageIds = await sendBatch(rows);
      const result = await pool.query(FINISH, [rows.map((row) => row.id), messageIds]);
      sent += result.rowCount;
    }
  } finally {
    await pool.end();
  }
  return sent;
}
