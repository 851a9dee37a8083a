// CPU time spent by the database and Redis servers of this machine and by the fake provider's process,
// read from /proc (Linux only): what a system costs beyond its own process, which matters on a machine of
// two cores shared by everything.
import { readdirSync, readFileSync } from 'node:fs';

// USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux this runs on
const MS_PER_TICK = 10;

// the fake provider's process is a `node` like any other: run.mjs names it to each system's child
const PROVIDER_PID = process.env.BENCH_PROVIDER_PID;

/**
 * Total CPU ms so far of every postgres and redis-server process, and of the fake provider's; null where
 * /proc cannot tell.
 */
export function serverCpuMs() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  const totals = { postgres: 0, redis: 0, provider: 0 };
  for (const pid of pids) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const server =
      pid === PROVIDER_PID
        ? 'provider'
        : name === 'postgres'
          ? 'postgres'
          : name.startsWith('redis-server')
            ? 'redis'
            : null;
    if (!server) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime, and cutime + cstime: a backend that has exited is counted in the postmaster's
    totals[server] +=
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * MS_PER_TICK;
  }
  return totals;
}

/** CPU ms per 1 000 messages of each server between two readings. */
export function serverCpuPer1000(before, after, sent) {
  if (!before || !after || !sent) return null;
  const per1000 = (server) => Math.round(((after[server] - before[server]) / sent) * 1000);
  return { postgres: per1000('postgres'), redis: per1000('redis'), provider: per1000('provider') };
}
