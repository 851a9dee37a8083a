// The fake Evolution gateway (fake-evolution-server.mjs) in a process of its own.
import { fork } from 'node:child_process';
import path from 'node:path';

const HERE = path.dirname(new URL(import.meta.url).pathname);

/**
 * `trackDuplicates`: also count sends of a number and text already answered (the soak: its texts are
 * unique); `detached`: in a process group of its own, so a terminal's Ctrl-C reaches only the bench.
 */
export async function startFakeProvider(apiKey, { trackDuplicates = false, detached = false } = {}) {
  const child = fork(path.join(HERE, 'fake-evolution-server.mjs'), [], {
    env: {
      ...process.env,
      BENCH_EVOLUTION_KEY: apiKey,
      ...(trackDuplicates ? { BENCH_EVOLUTION_TRACK_DUPLICATES: '1' } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached,
  });
  const url = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`the fake provider exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    /** { sends, duplicates } so far */
    async stats() {
      const response = await fetch(`${url}/__stats`, { signal: AbortSignal.timeout(5_000) });
      return response.json();
    },
    stop: () => child.kill('SIGTERM'),
    killNow: () => child.kill('SIGKILL'),
  };
}
