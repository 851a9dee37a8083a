// graphile-worker 0.17, tuned per its performance docs: `concurrency` jobs at once, the local queue
// (jobs fetched and locked in batches by the pool) and batched completion. One job per message; the
// task POSTs it over one keep-alive agent; completing the job (deleting it) is the final write.
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import pg from 'pg';
import { settleAfterSeeding } from '../lib/bench-database.mjs';
import { createJsonPoster } from '../lib/post-json.mjs';
import { report, startClock, throughput } from '../lib/samples.mjs';
import { waitUntil } from '../lib/wait-until.mjs';

const options = JSON.parse(process.env.BENCH_OPTIONS);
const localQueueSize = options.graphileLocalQueue ?? 500;
const completeJobBatchDelay = 0;
// The bench prints figures only; worker logs would also cost time inside the measured run.
const logger = new Logger(() => () => undefined);

// A fresh schema for every run.
const sql = new pg.Client({ connectionString: options.databaseUrl });
await sql.connect();
await sql.query('DROP SCHEMA IF EXISTS graphile_worker CASCADE');
const utils = await makeWorkerUtils({ connectionString: options.databaseUrl, logger });
await utils.migrate();
const text = 'Olá, temos um plantão de UTI no sábado 19h. Tem interesse?';
for (let start = 0; start < options.rows; start += 5000) {
  const specs = [];
  for (let n = start; n < Math.min(options.rows, start + 5000); n++)
    specs.push({ identifier: 'send', payload: { number: String(5511900000000 + n), text } });
  await utils.addJobs(specs);
}
await utils.release();
await settleAfterSeeding(sql, ['graphile_worker._private_jobs']);

const poster = createJsonPoster({ maxSockets: options.concurrency, client: options.baselineClient });
const url = `${options.providerUrl}/message/sendText/numero1`;
const headers = { apikey: options.providerKey };
let succeeded = 0;
const remaining = async () =>
  (await sql.query('SELECT count(*)::int AS n FROM graphile_worker._private_jobs')).rows[0].n;

const clock = startClock();
const runner = await run({
  connectionString: options.databaseUrl,
  concurrency: options.concurrency,
  maxPoolSize: 10,
  noHandleSignals: true,
  pollInterval: 500,
  logger,
  taskList: {
    send: async (payload) => {
      await poster.post(url, headers, payload);
      succeeded++;
    },
  },
  preset: { worker: { localQueue: { size: localQueueSize }, completeJobBatchDelay } },
});
await waitUntil(async () => succeeded === options.rows && (await remaining()) === 0);
const figures = throughput(succeeded, clock);
await runner.stop();
await poster.close();
await sql.end();
report({
  ...figures,
  claim: null,
  settings: { concurrency: options.concurrency, localQueueSize, completeJobBatchDelay },
});
