// The fake Evolution gateway (fake-evolution-server.mjs) in a process of its own, counting duplicates.
import { fork } from 'node:child_process';
import path from 'node:path';

const HERE = path.dirname(new URL(import.meta.url).pathname);

export async function startFakeProvider(apiKey) {
  const child = fork(path.join(HERE, 'fake-evolution-server.mjs'), [], {
    env: { ...process.env, BENCH_EVOLUTION_KEY: apiKey, BENCH_EVOLUTION_TRACK_DUPLICATES: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  const url = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`the fake provider exited with ${code}`)));
  });
  return {
    url,
    /** { sends, duplicates } so far */
    async stats() {
      const response = await fetch(`${url}/__stats`, { signal: AbortSignal.timeout(5_000) });
      return response.json();
    },
    stop: () => child.kill('SIGTERM'),
    killNow: () => child.kill('SIGKILL'),
  };
}
