// Ceiling of the database: the plain loop with the POST replaced by a made-up message id.
import { drainWithPlainLoop } from '../lib/plain-loop.mjs';
import { percentiles, report, startClock, throughput } from '../lib/samples.mjs';

const options = JSON.parse(process.env.BENCH_OPTIONS);
const claimSamples = [];
const clock = startClock();
const sent = await drainWithPlainLoop({
  databaseUrl: options.databaseUrl,
  batchSize: options.plainBatchSize,
  claimSamples,
  sendBatch: async (rows) => rows.map((row) => `local-${row.id}`),
});
const figures = throughput(sent, clock);
report({
  ...figures,
  claim: percentiles(claimSamples),
});
