// pg-boss 10 (the last line that runs on Node 20), tuned per its docs for throughput: work() with a
// batchSize, several workers on the queue, the minimum polling interval; each batch sent with
// `concurrency` POSTs in flight over one keep-alive agent; pg-boss completes the batch (the final write).
import { createRequire } from 'node:module';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { settleAfterSeeding } from '../lib/bench-database.mjs';
import { createJsonPoster, mapWithLimit } from '../lib/post-json.mjs';
import { percentiles, report, startClock, throughput } from '../lib/samples.mjs';
import { waitUntil } from '../lib/wait-until.mjs';

const QUEUE = 'bench_send';
const SCHEMA = 'pgboss_bench';
const options = JSON.parse(process.env.BENCH_OPTIONS);
const workers = options.pgBossWorkers ?? 4;
const batchSize = options.pgBossBatchSize ?? 1000;

// A fresh schema for every run: completed jobs of an earlier size would weigh on this one.
const sql = new pg.Client({ connectionString: options.databaseUrl });
await sql.connect();
await sql.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);

// Claim latency: pg-boss's workers fetch through Manager#fetch.
const claimSamples = [];
const Manager = createRequire(import.meta.url)('pg-boss/src/manager.js');
const fetchJobs = Manager.prototype.fetch;
Manager.prototype.fetch = async function timedFetch(...args) {
  const started = performance.now();
  try {
    return await fetchJobs.apply(this, args);
  } finally {
    if (args[0] === QUEUE) claimSamples.push(performance.now() - started);
  }
};

const boss = new PgBoss({
  connectionString: options.databaseUrl,
  schema: SCHEMA,
  max: 10,
  supervise: false,
  schedule: false,
});
boss.on('error', (error) => process.stderr.write(`pg-boss: ${error.message}\n`));
await boss.start();
await boss.createQueue(QUEUE);
const jobs = Array.from({ length: options.rows }, (_, n) => ({
  name: QUEUE,
  data: {
    number: String(5511900000000 + n),
    text: 'Olá, temos um plantão de UTI no sábado 19h. Tem interesse?',
  },
}));
for (let start = 0; start < jobs.length; start += 5000) await boss.insert(jobs.slice(start, start + 5000));
await settleAfterSeeding(sql, [`${SCHEMA}.job`]);

const poster = createJsonPoster({ maxSockets: options.concurrency, client: options.baselineClient });
const url = `${options.providerUrl}/message/sendText/numero1`;
const headers = { apikey: options.providerKey };
let handled = 0;
const completed = async () =>
  (
    await sql.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.job WHERE name = $1 AND state = 'completed'`, [
      QUEUE,
    ])
  ).rows[0].n;

const clock = startClock();
for (let i = 0; i < workers; i++)
  await boss.work(QUEUE, { batchSize, pollingIntervalSeconds: 0.5 }, async (batch) => {
    await mapWithLimit(batch, options.concurrency, (job) => poster.post(url, headers, job.data));
    handled += batch.length;
  });
// the table is counted only once every job has been handled: counted every 10 ms all along (until the
// ninth session), 50 000 rows each time, it was charged to pg-boss: 40-100 ms more PostgreSQL CPU per 1 000
await waitUntil(async () => handled >= options.rows && (await completed()) === options.rows);
// every job is complete here (waitUntil), so the rows are the messages sent
const figures = throughput(options.rows, clock);

await boss.stop({ graceful: false, wait: true });
await poster.close();
const sent = await completed();
await sql.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
await sql.end();
report({
  ...figures,
  sent,
  claim: percentiles(claimSamples),
  settings: { workers, batchSize, pollingIntervalSeconds: 0.5 },
});
