import { serverCpuMs, serverCpuPer1000 } from './server-cpu.mjs';

/** Durations in ms: p50/p99 by nearest rank, rounded to 0.1 ms; null when there are none. */
export function percentiles(samples) {
  if (samples.length === 0) return { p50: null, p99: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: round(at(50)), p99: round(at(99)) };
}

export const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Times an async call and pushes its duration (ms) into `samples`. */
export async function timed(samples, call) {
  const started = performance.now();
  try {
    return await call();
  } finally {
    samples.push(performance.now() - started);
  }
}

/** Starts a system's timed section: the wall clock, this process's CPU time and the servers'. */
export function startClock() {
  // /proc first (about 2 ms): reading it is not the system's work
  const servers = serverCpuMs();
  return { servers, wall: performance.now(), cpu: process.cpuUsage() };
}

/**
 * The figures of a timed section that moved `sent` messages: elapsed time, throughput, and the CPU this
 * process and the servers spent per 1 000 messages (steadier than throughput on a machine whose speed
 * wanders). The servers' CPU is read over the timed section only: a system's seeding is not counted.
 */
export function throughput(sent, clock) {
  const elapsedMs = performance.now() - clock.wall;
  const cpu = process.cpuUsage(clock.cpu);
  return {
    sent,
    elapsedMs: round(elapsedMs),
    msgPerSec: Math.round(sent / (elapsedMs / 1000)),
    cpuMsPer1000: sent ? round((cpu.user + cpu.system) / sent) : null,
    serverCpuMsPer1000: serverCpuPer1000(clock.servers, serverCpuMs(), sent),
  };
}

/** What a system child prints on its last stdout line. */
export function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
