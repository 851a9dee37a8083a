#!/usr/bin/env node
// `npm run bench [-- --rows 10000] [-- --systems ours,plain-loop]`: the queue benchmark (README.md here).
// Prints figures; never fails on time. Exits 1 only when a system did not send every message.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { countByStatus, createBenchDatabase, seedQueue } from './lib/bench-database.mjs';
import { startFakeProvider } from './lib/fake-provider-process.mjs';
import { deleteKeysWithPrefix } from './lib/redis-keys.mjs';
import { printSummary } from './lib/summary-table.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const PROVIDER_KEY = 'bench-key';

/** name → how to run it; `queue: true` systems drain fila_mensagens, which is seeded before each run. */
const SYSTEMS = {
  'database-only': { file: 'database-only.mjs', queue: true, sends: false },
  'http-only': { file: 'http-only.mjs', sends: true, extra: { client: 'undici' } },
  'http-only-node-http': { file: 'http-only.mjs', sends: true, extra: { client: 'node-http' } },
  'http-only-service-client': { file: 'http-only.mjs', sends: true, extra: { client: 'service' } },
  'http-only-fetch': { file: 'http-only.mjs', sends: true, extra: { client: 'fetch' } },
  'plain-loop': { file: 'plain-loop.mjs', queue: true, sends: true },
  'pg-boss': { file: 'pg-boss.mjs', sends: true },
  'graphile-worker': { file: 'graphile-worker.mjs', sends: true },
  ours: { file: 'ours.mjs', queue: true, sends: true },
};

const { values } = parseArgs({
  options: {
    rows: { type: 'string', multiple: true },
    systems: { type: 'string' },
    concurrency: { type: 'string', default: '64' },
    // ours as an operator would tune it: with a backlog two lanes send, each in waves of half of
    // WORKER_CONCURRENCY, so 1000 gives waves of 500: one wave write per 500 sends, and more sends queued
    // than sockets (PROVIDER_MAX_SOCKETS = 64) keep every socket busy across a wave's end; one wave per
    // batch, the next batch claimed while it is sent (bench/README.md has the settings compared)
    'ours-concurrency': { type: 'string', default: '1000' },
    'batch-size': { type: 'string', default: '500' },
    repeat: { type: 'string', default: '1' },
    'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
    'keep-database': { type: 'boolean', default: false },
    'pg-boss-workers': { type: 'string', default: '4' },
    'pg-boss-batch-size': { type: 'string', default: '1000' },
    'graphile-local-queue': { type: 'string', default: '2000' },
    // the other systems' HTTP client: undici (what the service uses) or node-http (the earlier setting)
    'baseline-client': { type: 'string', default: 'undici' },
  },
});
const sizes = (values.rows ?? ['10000', '50000']).flatMap((value) => value.split(',')).map(Number);
const systems = values.systems ? values.systems.split(',') : Object.keys(SYSTEMS);
for (const name of systems) if (!SYSTEMS[name]) usage(`unknown system ${name}`);
if (sizes.some((size) => !Number.isInteger(size) || size < 1)) usage('--rows takes whole numbers');
if (!['undici', 'node-http'].includes(values['baseline-client']))
  usage('--baseline-client is undici or node-http');

const provider = await startFakeProvider(PROVIDER_KEY);
const database = await createBenchDatabase('whats_workers_bench');
const redisPrefix = `bench:${randomUUID().slice(0, 8)}:`;
let measurements = 0;
const results = [];
let failed = false;
try {
  for (const rows of sizes) {
    const runs = new Map(systems.map((name) => [name, []]));
    // Rounds, each running every system once: a load spike on the machine hits them all alike. Each round
    // starts one system later, so that a machine drifting within a round favours no system every time.
    for (let round = 0; round < Number(values.repeat); round++)
      for (const name of rotate(systems, round)) runs.get(name).push(await measure(name, rows));
    for (const [name, measured] of runs)
      results.push({ rows, system: name, ...median(measured), runs: measured.length });
  }
  printSummary(
    results,
    `others ${values.concurrency} POSTs in flight (${values['baseline-client']} keep-alive); plain loop batch 200; ` +
      `ours WORKER_CONCURRENCY=${values['ours-concurrency']} QUEUE_BATCH_SIZE=${values['batch-size']}; ` +
      `pg-boss ${values['pg-boss-workers']} workers × batchSize ${values['pg-boss-batch-size']}; ` +
      `graphile-worker localQueue ${values['graphile-local-queue']}, completeJobBatchDelay 0; ` +
      `median of ${values.repeat} run(s)`,
  );
} finally {
  await deleteKeysWithPrefix(values['redis-url'], redisPrefix);
  if (values['keep-database']) await database.sql.end();
  else await database.drop();
  provider.stop();
}
process.exit(failed ? 1 : 0);

async function measure(name, rows) {
  const system = SYSTEMS[name];
  if (system.queue) await seedQueue(database.sql, rows);
  const sendsBefore = (await provider.stats()).sends;
  const result = await runSystem(system, {
    rows,
    databaseUrl: database.url,
    redisUrl: values['redis-url'],
    // each run its own rate-limit state: the same phones are seeded again within RATE_LIMIT_PHONE_INTERVAL
    redisPrefix: `${redisPrefix}${++measurements}:`,
    providerUrl: provider.url,
    providerKey: PROVIDER_KEY,
    concurrency: Number(name === 'ours' ? values['ours-concurrency'] : values.concurrency),
    batchSize: Number(values['batch-size']),
    plainBatchSize: 200,
    pgBossWorkers: Number(values['pg-boss-workers']),
    pgBossBatchSize: Number(values['pg-boss-batch-size']),
    graphileLocalQueue: Number(values['graphile-local-queue']),
    baselineClient: values['baseline-client'],
    ...system.extra,
  });
  const problems = [];
  const sendsSeen = (await provider.stats()).sends - sendsBefore;
  if (system.sends && sendsSeen !== rows) problems.push(`provider got ${sendsSeen} sends`);
  if (system.queue) {
    const statuses = await countByStatus(database.sql);
    if (statuses.enviada !== rows) problems.push(`rows by status ${JSON.stringify(statuses)}`);
  }
  if (result.sent !== rows) problems.push(`reported ${result.sent} sent`);
  if (problems.length) {
    failed = true;
    process.stderr.write(`${name} @ ${rows}: not every message went out: ${problems.join('; ')}\n`);
  }
  process.stderr.write(`${name} @ ${rows}: ${result.msgPerSec} msg/s\n`);
  return result;
}

function rotate(list, by) {
  const start = by % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}

/** The run with the median throughput (its claim figures come with it). */
function median(measured) {
  const sorted = [...measured].sort((a, b) => a.msgPerSec - b.msgPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function usage(message) {
  process.stderr.write(
    `${message}\nusage: npm run bench -- [--rows 10000[,50000]] [--systems ${Object.keys(SYSTEMS).join(',')}] [--repeat N] [--concurrency 64] [--ours-concurrency 1000] [--batch-size 500] [--baseline-client undici|node-http]\n`,
  );
  process.exit(2);
}

/** Each system runs in a child process of its own: a fresh heap, its own pools, nothing shared. */
function runSystem(system, options) {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
      path.join(HERE, 'systems', system.file),
    ],
    {
      env: {
        ...process.env,
        BENCH_OPTIONS: JSON.stringify(options),
        BENCH_PROVIDER_PID: String(provider.pid),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').pop();
      if (code !== 0 || !last) {
        reject(new Error(`${system.file} exited with ${code}\n${stderr.slice(-4000)}`));
        return;
      }
      resolve(JSON.parse(last));
    });
  });
}
