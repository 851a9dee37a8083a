import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 10;
const GIVE_UP_MS = 10 * 60_000;

/** Polls `condition` every 10 ms; throws after 10 minutes (a system that stalls must not hang the bench). */
export async function waitUntil(condition) {
  const deadline = Date.now() + GIVE_UP_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('gave up waiting: the system stopped making progress');
    await sleep(POLL_MS);
  }
}
