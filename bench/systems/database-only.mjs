// Ceiling of the database: the plain loop with the POST replaced by a made-up message id.
import { drainWithPlainLoop } from '../lib/plain-loop.mjs';
import { percentiles, report, round } from '../lib/samples.mjs';

const options = JSON.parse(process.env.BENCH_OPTIONS);
const claimSamples = [];
const started = performance.now();
const sent = await drainWithPlainLoop({
  databaseUrl: options.databaseUrl,
  batchSize: options.plainBatchSize,
  claimSamples,
  sendBatch: async (rows) => rows.map((row) => `local-${row.id}`),
});
const elapsedMs = performance.now() - started;
report({
  sent,
  elapsedMs: round(elapsedMs),
  msgPerSec: Math.round(sent / (elapsedMs / 1000)),
  claim: percentiles(claimSamples),
});
