#!/usr/bin/env node
// `npm run bench:soak [-- --minutes 30 --replicas 3 --rate 50]`: the soak benchmark (README.md here).
// N replicas of `node dist/main` on one database and Redis, a steady enqueuer, a sample every few seconds.
// Prints figures; exits 0 unless the setup (or the bench itself) fails: a benchmark never fails on time.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './lib/bench-database.mjs';
import { startFakeProvider } from './lib/fake-provider-process.mjs';
import { deleteKeysWithPrefix } from './lib/redis-keys.mjs';
import { startReplicas } from './lib/service-replicas.mjs';
import { takeSample } from './lib/soak-sampler.mjs';
import { clockOf, printSummary, progressLine, summarize } from './lib/soak-report.mjs';
import { startSteadyEnqueuer } from './lib/steady-enqueuer.mjs';
import { round } from './lib/samples.mjs';

const PROVIDER_KEY = 'bench-key';
const DATABASE_NAME = 'bench_soak';
/** RATE_LIMIT_PER_HOUR's maximum: each sending number may send this many per clock hour */
const PER_NUMBER_HOURLY_CAP = 100_000;
/** RATE_LIMIT_PHONE_INTERVAL stays at its real 45 s: each phone gets a message at most every 90 s */
const PHONE_INTERVAL_SECONDS = 45;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    replicas: { type: 'string', default: '3' },
    // 50/s = 180 000 messages an hour, far above a real campaign. process_queue runs on one replica at a
    // time (its lock), and with the default WORKER_CONCURRENCY (4) one run drains about 130-160 msg/s on
    // this machine under load: about 3x headroom. Raise --concurrency with --rate for heavier soaks.
    rate: { type: 'string', default: '50' },
    'warmup-seconds': { type: 'string' },
    'sample-seconds': { type: 'string', default: '5' },
    'report-seconds': { type: 'string', default: '60' },
    'drain-seconds': { type: 'string', default: '60' },
    'poll-interval': { type: 'string', default: '1' },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string' },
    leads: { type: 'string' },
    'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
    'keep-database': { type: 'boolean', default: false },
    'log-dir': { type: 'string' },
  },
});
const minutes = positive('minutes');
const replicaCount = positive('replicas');
const rate = positive('rate');
const durationSeconds = minutes * 60;
const warmupSeconds = values['warmup-seconds']
  ? positive('warmup-seconds', true)
  : Math.min(60, Math.round(durationSeconds / 6));
const sampleSeconds = positive('sample-seconds');
const reportSeconds = positive('report-seconds');
const drainSeconds = positive('drain-seconds', true);
// twice the leads that the phone interval needs, so the 45 s minimum never defers a message
const leadCount = values.leads
  ? positive('leads')
  : Math.max(10_000, Math.ceil(rate * PHONE_INTERVAL_SECONDS * 2));
// enough sending numbers that the hourly cap per number is never reached (x1.5 for uneven spreading)
const sendingNumbers = Math.max(2, Math.ceil((rate * 3600 * 1.5) / PER_NUMBER_HOURLY_CAP));
if (warmupSeconds >= durationSeconds) usage('--warmup-seconds must be shorter than the run');

const interrupted = new AbortController();
const children = { replicas: [], provider: null };
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// whatever happens, no replica outlives the bench (they run in process groups of their own)
process.on('exit', () => {
  for (const replica of children.replicas) replica.killNow();
  children.provider?.killNow();
});

const redisPrefix = `bench:soak:${randomUUID().slice(0, 8)}:`;
const settings =
  `${replicaCount} replicas, ${rate} msg/s for ${minutes} min (warm-up ${warmupSeconds} s), ` +
  `QUEUE_POLL_INTERVAL=${values['poll-interval']}, WORKER_CONCURRENCY=${values.concurrency ?? 'default'}, ` +
  `QUEUE_BATCH_SIZE=${values['batch-size'] ?? 'default'}, ${sendingNumbers} sending numbers, ${leadCount} leads`;

let database;
let enqueuer;
try {
  log(`setting up: ${settings}`);
  children.provider = await startFakeProvider(PROVIDER_KEY, { trackDuplicates: true, detached: true });
  database = await createBenchDatabase(DATABASE_NAME);
  const leadIds = await seedLeads(database.sql, leadCount);
  if (values['log-dir']) mkdirSync(values['log-dir'], { recursive: true });
  children.replicas = await startReplicas(replicaCount, replicaEnv(database.url, children.provider.url), {
    logDir: values['log-dir'] ?? null,
  });
  log(`${replicaCount} replicas healthy (pids ${children.replicas.map((r) => r.pid).join(', ')}); enqueuing`);
  enqueuer = startSteadyEnqueuer({ sql: database.sql, leadIds, ratePerSecond: rate });
} catch (error) {
  process.stderr.write(`soak setup failed: ${error.stack ?? error.message}\n`);
  await cleanUp();
  process.exit(1);
}

let exitCode = 0;
try {
  printSummary(await soak(), settings);
} catch (error) {
  // a fault of the bench itself (the system's own faults are figures): say so, clean up, exit 1
  log(`the soak could not finish: ${error.stack ?? error.message}`);
  exitCode = 1;
}
await cleanUp();
process.exit(exitCode);

async function soak() {
  const startedAt = performance.now();
  const sample = () =>
    takeSample({
      startedAt,
      replicas: children.replicas,
      sql: database.sql,
      provider: children.provider,
      enqueuer,
    });
  const all = [await sample()];
  let warmupEnd = null;
  let warmupEndWallClock = null;
  let lastReport = all[0];
  while (!interrupted.signal.aborted && all.at(-1).t < durationSeconds && !enqueuer.state.error) {
    const nextAt = Math.min(all.length * sampleSeconds, durationSeconds);
    await pause(nextAt - (performance.now() - startedAt) / 1000);
    let current;
    try {
      current = await sample();
    } catch (error) {
      log(`sample skipped: ${error.message}`);
      await pause(sampleSeconds);
      continue;
    }
    all.push(current);
    if (warmupEnd === null && current.t >= warmupSeconds) {
      warmupEnd = all.length - 1;
      warmupEndWallClock = new Date();
      log(`warm-up over at ${clockOf(current.t)}: figures from here on`);
    }
    if (current.t - lastReport.t >= reportSeconds - sampleSeconds / 2) {
      log(progressLine(lastReport, current));
      lastReport = current;
    }
    for (const replica of children.replicas)
      if (!replica.running && !replica.reported) {
        replica.reported = true;
        log(`${replica.name} exited (${replica.exit}); its last output:\n${replica.tail.slice(-2000)}`);
      }
  }
  await enqueuer.stop();
  if (enqueuer.state.error) log(`the enqueuer stopped: ${enqueuer.state.error.message}`);
  const measured = all.slice(warmupEnd ?? 0);
  if (warmupEnd === null) warmupEndWallClock = new Date(Date.now() - (all.at(-1).t - all[0].t) * 1000);
  if (measured.length < 2) measured.unshift(all[0]);

  log(
    `enqueueing stopped at ${clockOf(all.at(-1).t)}; ` +
      (interrupted.signal.aborted
        ? 'not waiting for the queue to drain'
        : `waiting up to ${drainSeconds} s for the queue to drain`),
  );
  const notDrainedAfterSeconds = await waitForDrain();
  all.push(await sample());
  return summarize({
    all,
    measured,
    database: await databaseFigures(warmupEndWallClock),
    enqueueInsertMs: enqueuer.state.insertMs,
    replicas: children.replicas,
    notDrainedAfterSeconds,
  });
}

function replicaEnv(databaseUrl, providerUrl) {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: values['redis-url'],
    REDIS_KEY_PREFIX: redisPrefix,
    APP_ENV: 'production',
    WHATSAPP_PROVIDER: 'evolution',
    EVOLUTION_API_URL: providerUrl,
    EVOLUTION_API_KEY: PROVIDER_KEY,
    EVOLUTION_INSTANCE: Array.from({ length: sendingNumbers }, (_, index) => `numero${index + 1}`).join(','),
    QUEUE_POLL_INTERVAL: values['poll-interval'],
    ...(values.concurrency ? { WORKER_CONCURRENCY: values.concurrency } : {}),
    ...(values['batch-size'] ? { QUEUE_BATCH_SIZE: values['batch-size'] } : {}),
    RATE_LIMIT_PER_HOUR: String(PER_NUMBER_HOURLY_CAP),
    RATE_LIMIT_PER_DAY: '1000000',
    RATE_LIMIT_PHONE_INTERVAL: String(PHONE_INTERVAL_SECONDS),
    // no spacing between a number's messages (at the maximum hourly cap it would be 36 ms)
    RATE_LIMIT_NUMBER_INTERVAL: '0',
    BUSINESS_HOURS: 'mon-sun 00:00-24:00',
    LOG_LEVEL: 'warn',
  };
}

async function seedLeads(sql, count) {
  const { rows } = await sql.query(
    `INSERT INTO leads (telefone, nome)
     SELECT (5511900000000 + n)::text, 'Dra. ' || n FROM generate_series(1, $1) AS n
     RETURNING id`,
    [count],
  );
  await sql.query('VACUUM ANALYZE leads');
  return rows.map((row) => row.id);
}

/** Seconds waited when the queue did not drain (in time, or before a Ctrl-C); null when it did. */
async function waitForDrain() {
  const started = performance.now();
  for (;;) {
    const { rows } = await database.sql.query(
      `SELECT count(*)::int AS n FROM fila_mensagens WHERE status IN ('pendente', 'processando')`,
    );
    if (rows[0].n === 0) return null;
    const waited = (performance.now() - started) / 1000;
    if (waited >= drainSeconds || interrupted.signal.aborted) return Math.round(waited);
    await pause(1);
  }
}

async function databaseFigures(since) {
  const sql = database.sql;
  const statuses = await sql.query(
    'SELECT status, count(*)::int AS n FROM fila_mensagens GROUP BY 1 ORDER BY 1',
  );
  const latency = await sql.query(
    `SELECT count(*)::int AS rows,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
       FROM (SELECT extract(epoch FROM enviada_em - agendar_para) * 1000 AS ms
               FROM fila_mensagens WHERE status = 'enviada' AND created_at >= $1) AS sent`,
    [since],
  );
  const lag = await sql.query(
    `SELECT job_name AS job, count(*)::int AS runs,
            count(*) FILTER (WHERE status IN ('error', 'timeout'))::int AS failed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
       FROM (SELECT job_name, status, extract(epoch FROM started_at - due_at) * 1000 AS ms
               FROM job_executions
              WHERE trigger = 'schedule' AND due_at IS NOT NULL AND started_at >= $1) AS ticks
      GROUP BY job_name ORDER BY job_name`,
    [since],
  );
  const total = await sql.query('SELECT count(*)::int AS n FROM fila_mensagens');
  const ms = (value) => (value === null ? null : round(Number(value)));
  const row = latency.rows[0];
  return {
    statuses: Object.fromEntries(statuses.rows.map((r) => [r.status, r.n])),
    totalRows: total.rows[0].n,
    messageLatencyMs: { rows: row.rows, p50: ms(row.p50), p99: ms(row.p99), max: ms(row.max) },
    schedulerLag: lag.rows.map((r) => ({
      job: r.job,
      runs: r.runs,
      failed: r.failed,
      p50: ms(r.p50),
      p99: ms(r.p99),
      max: ms(r.max),
    })),
  };
}

async function cleanUp() {
  await enqueuer?.stop().catch(() => undefined);
  await Promise.all(children.replicas.map((replica) => replica.stop()));
  children.provider?.stop();
  await deleteKeysWithPrefix(values['redis-url'], redisPrefix);
  if (database) {
    if (values['keep-database']) await database.sql.end();
    else await database.drop().catch((error) => log(`could not drop ${DATABASE_NAME}: ${error.message}`));
  }
}

async function pause(seconds) {
  if (seconds <= 0) return;
  try {
    await sleep(seconds * 1000, undefined, { signal: interrupted.signal });
  } catch {
    // interrupted: the caller sees the signal
  }
}

function onSignal(signal) {
  if (interrupted.signal.aborted) {
    log(`${signal} again: killing every child now`);
    process.exit(130); // the exit hook SIGKILLs the replicas and the provider
  }
  log(`${signal}: stopping early; the summary covers what ran (${signal} again to kill at once)`);
  interrupted.abort();
}

function log(message) {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

function positive(name, zeroAllowed = false) {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0))
    usage(`--${name} takes a positive number`);
  return value;
}

function usage(message) {
  process.stderr.write(
    `${message}\nusage: npm run bench:soak -- [--minutes 30] [--replicas 3] [--rate 50] [--warmup-seconds N] ` +
      `[--sample-seconds 5] [--report-seconds 60] [--drain-seconds 60] [--poll-interval 1] [--concurrency N] ` +
      `[--batch-size N] [--leads N] [--redis-url URL] [--keep-database] [--log-dir DIR]\n`,
  );
  process.exit(2);
}
