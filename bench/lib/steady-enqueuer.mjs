// Inserts fila_mensagens rows at a steady rate, as the agent's API would: every tick, as many rows as the
// rate says are owed since the start (so a slow insert is caught up, not lost), one statement per tick.
// Rows go round-robin over the leads, so one phone gets a message every leads ÷ rate seconds; each text is
// unique (its sequence number), which lets the fake provider spot a message sent twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { timed } from './samples.mjs';

const TICK_MS = 100;

const INSERT = `
  INSERT INTO fila_mensagens (lead_id, conteudo, tipo)
  SELECT lead, 'Soak #' || seq || ': temos um plantão de UTI no sábado 19h. Tem interesse?', 'oferta'
    FROM unnest($1::uuid[], $2::bigint[]) AS v(lead, seq)`;

export function startSteadyEnqueuer({ sql, leadIds, ratePerSecond }) {
  const state = { enqueued: 0, insertMs: [], stopped: false, error: null };
  const startedAt = performance.now();
  const loop = (async () => {
    while (!state.stopped) {
      const owed = Math.floor((ratePerSecond * (performance.now() - startedAt)) / 1000) - state.enqueued;
      if (owed > 0) {
        const sequences = Array.from({ length: owed }, (_, index) => state.enqueued + index + 1);
        const leads = sequences.map((sequence) => leadIds[sequence % leadIds.length]);
        try {
          await timed(state.insertMs, () => sql.query(INSERT, [leads, sequences]));
          state.enqueued += owed;
        } catch (error) {
          state.error = error;
          break;
        }
      }
      await sleep(TICK_MS);
    }
  })();
  return {
    state,
    async stop() {
      state.stopped = true;
      await loop;
    },
  };
}
