// Baseline: the plain loop (claim 200 with SKIP LOCKED, 64 concurrent POSTs, one UPDATE per batch).
import { drainWithPlainLoop } from '../lib/plain-loop.mjs';
import { createJsonPoster, mapWithLimit } from '../lib/post-json.mjs';
import { percentiles, report, startClock, throughput } from '../lib/samples.mjs';

const options = JSON.parse(process.env.BENCH_OPTIONS);
const poster = createJsonPoster({ maxSockets: options.concurrency, client: options.baselineClient });
const url = `${options.providerUrl}/message/sendText/numero1`;
const headers = { apikey: options.providerKey };

const claimSamples = [];
const clock = startClock();
const sent = await drainWithPlainLoop({
  databaseUrl: options.databaseUrl,
  batchSize: options.plainBatchSize,
  claimSamples,
  sendBatch: (rows) =>
    mapWithLimit(rows, options.concurrency, async (row) => {
      const reply = await poster.post(url, headers, { number: row.telefone, text: row.conteudo });
      return reply.key.id;
    }),
});
const figures = throughput(sent, clock);
await poster.close();
report({
  ...figures,
  claim: percentiles(claimSamples),
});
