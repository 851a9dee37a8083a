// N replicas of the built service (`node dist/main`, what `npm start` and the Docker image run), each on a
// port of its own, with only the variables given (plus PATH): a developer's .env cannot leak in.
// Each runs in a process group of its own, so a Ctrl-C in the terminal reaches the bench only, which then
// stops them in order (SIGTERM, SIGKILL after the grace period).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const OUTPUT_TAIL_CHARS = 20_000;
const NOTABLE_LEVELS = new Set(['WARN', 'ERROR', 'FATAL']);

/** `logDir`: when given, each replica's whole output also goes to `<logDir>/<name>.log`. */
export async function startReplicas(count, env, { healthyWithinMs = 90_000, logDir = null } = {}) {
  const replicas = [];
  for (let index = 0; index < count; index++)
    replicas.push(startReplica(`replica${index + 1}`, await freePort(), env, logDir));
  try {
    await Promise.all(replicas.map((replica) => replica.waitHealthy(healthyWithinMs)));
  } catch (error) {
    await Promise.all(replicas.map((replica) => replica.stop()));
    const tails = replicas.map((replica) => `--- ${replica.name}\n${replica.tail.slice(-3000)}`).join('\n');
    throw new Error(`${error.message}\n${tails}`, { cause: error });
  }
  return replicas;
}

function startReplica(name, port, env, logDir) {
  const child = spawn(process.execPath, ['dist/main'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const replica = {
    name,
    port,
    pid: child.pid,
    tail: '',
    /** WARN/ERROR/FATAL log lines by level and message, e.g. `ERROR job failed` → 3 */
    notable: new Map(),
    exit: null,
    running: true,
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    async waitHealthy(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (!replica.running) throw new Error(`${name} exited during start-up (${replica.exit})`);
        try {
          const response = await fetch(`http://127.0.0.1:${port}/health/workers`);
          if (response.status === 200) return;
        } catch {
          // not listening yet
        }
        await sleep(250);
      }
      throw new Error(`${name}: /health/workers not healthy within ${timeoutMs} ms`);
    },
    async stop(graceMs = 40_000) {
      if (!replica.running) return;
      child.kill('SIGTERM');
      const exited = await Promise.race([closed.then(() => true), sleep(graceMs, false, { ref: false })]);
      if (!exited) {
        child.kill('SIGKILL');
        await closed;
      }
    },
    killNow() {
      if (replica.running) child.kill('SIGKILL');
    },
  };
  const logFile = logDir ? createWriteStream(path.join(logDir, `${name}.log`)) : null;
  let partial = '';
  const onOutput = (chunk) => {
    logFile?.write(chunk);
    const text = chunk.toString();
    replica.tail = (replica.tail + text).slice(-OUTPUT_TAIL_CHARS);
    const lines = (partial + text).split('\n');
    partial = lines.pop();
    for (const line of lines) countNotable(replica.notable, line);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const closed = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      replica.running = false;
      replica.exit = signal ?? code;
      logFile?.end();
      resolve();
    }),
  );
  return replica;
}

function countNotable(notable, line) {
  if (!line.startsWith('{')) return;
  try {
    const { level, msg } = JSON.parse(line);
    if (!NOTABLE_LEVELS.has(level)) return;
    const key = `${level} ${msg}`;
    notable.set(key, (notable.get(key) ?? 0) + 1);
  } catch {
    // not a log line of ours
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
