// Our pipeline, in-process, as `npm run job -- process_queue` runs it: the whole application context
// (no HTTP, scheduler not ticking) and one JobRunner.run, which claims and sends until the queue is empty.
// Every safety step is on: screening, business hours, Redis rate limits (one call per batch), circuit
// breakers, the send-started mark of each wave written with the previous wave's final statuses and their
// leads' contact fields.
import { createRequire } from 'node:module';
import path from 'node:path';
import { percentiles, report, startClock, throughput } from '../lib/samples.mjs';

const require = createRequire(import.meta.url);
const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist');
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { AppModule } = require(`${dist}/app.module.js`);
const { parseConfig } = require(`${dist}/config/load-config.js`);
const { JobRunner } = require(`${dist}/scheduler/job-runner.js`);
const { FilaRepository } = require(`${dist}/workers/fila/fila.repository.js`);
const { OutboundRateLimiter } = require(`${dist}/workers/fila/outbound-rate-limiter.js`);

const options = JSON.parse(process.env.BENCH_OPTIONS);

const config = parseConfig({
  DATABASE_URL: options.databaseUrl,
  REDIS_URL: options.redisUrl,
  REDIS_KEY_PREFIX: options.redisPrefix,
  APP_ENV: 'production',
  WHATSAPP_PROVIDER: 'evolution',
  EVOLUTION_API_URL: options.providerUrl,
  EVOLUTION_API_KEY: options.providerKey,
  EVOLUTION_INSTANCE: 'numero1,numero2',
  WORKER_CONCURRENCY: String(options.concurrency),
  ...(options.batchSize ? { QUEUE_BATCH_SIZE: String(options.batchSize) } : {}),
  RATE_LIMIT_PER_HOUR: '100000',
  RATE_LIMIT_PER_DAY: '1000000',
  // no spacing between a number's messages: the limits set high, as the issue asks
  RATE_LIMIT_NUMBER_INTERVAL: '0',
  BUSINESS_HOURS: 'mon-sun 00:00-24:00',
  JOB_TIMEOUT: '600',
  LOG_LEVEL: 'warn',
});

const app = await NestFactory.createApplicationContext(
  AppModule.forRoot(config, { http: false, logTo: 'stderr' }),
  { logger: ['error', 'warn'] },
);
// Time every claim (the service's FilaService calls this very instance), and the other serial steps of a
// batch, to say where the time goes.
const claimSamples = [];
const phaseMs = { claim: 0, rateLimits: 0, waveWrites: 0 };
const repository = app.get(FilaRepository, { strict: false });
const limiter = app.get(OutboundRateLimiter, { strict: false });
timeMethod(repository, 'claim', 'claim', claimSamples);
timeMethod(repository, 'record', 'waveWrites');
timeMethod(limiter, 'reserveBatch', 'rateLimits');

function timeMethod(target, method, phase, samples) {
  const original = target[method].bind(target);
  target[method] = async (...args) => {
    const started = performance.now();
    try {
      return await original(...args);
    } finally {
      const ms = performance.now() - started;
      phaseMs[phase] += ms;
      samples?.push(ms);
    }
  };
}

const runner = app.get(JobRunner, { strict: false });
const clock = startClock();
const outcome = await runner.run('process_queue', { trigger: 'manual' });
const figures = throughput(outcome.itemsProcessed, clock);
await app.close();

report({
  ...figures,
  claim: percentiles(claimSamples),
  status: outcome.status,
  details: outcome.details,
  phaseMs: Object.fromEntries(Object.entries(phaseMs).map(([phase, ms]) => [phase, Math.round(ms)])),
});
