// The soak's figures: a progress line per interval, and the summary at the end.
import { linearSlope } from './linear-fit.mjs';
import { bucketDelta, histogramQuantile, mergeBuckets } from './prometheus-text.mjs';
import { percentiles, round } from './samples.mjs';
import { formatTable } from './text-table.mjs';

const MB = 1024 * 1024;

/**
 * Claim latency (ms) between two samples, from queue_claim_seconds: the replicas that answered both
 * scrapes, together (a replica that went down would otherwise subtract its whole history).
 */
export function claimBetween(earlier, later) {
  const both = later.replicas.map((r, index) => r.up && earlier.replicas[index]?.up);
  const pick = (sample) => sample.replicas.filter((_, index) => both[index]);
  const merged = (sample) => mergeBuckets(pick(sample).map((r) => r.claimBuckets));
  const sumOf = (sample) => pick(sample).reduce((sum, r) => sum + (r.claimSumSeconds ?? 0), 0);
  const laterBuckets = merged(later);
  if (!laterBuckets.length) return { count: 0, p50: null, p99: null, meanMs: null, measured: false };
  const delta = bucketDelta(laterBuckets, merged(earlier));
  const count = delta.at(-1).count;
  const ms = (q) => {
    const seconds = histogramQuantile(delta, q);
    return seconds === null ? null : round(seconds * 1000);
  };
  return {
    count,
    p50: ms(0.5),
    p99: ms(0.99),
    meanMs: count ? round(((sumOf(later) - sumOf(earlier)) / count) * 1000) : null,
    measured: true,
  };
}

export function progressLine(earlier, later) {
  const seconds = later.t - earlier.t;
  const rate = (field) =>
    later[field] === null || earlier[field] === null ? '—' : round((later[field] - earlier[field]) / seconds);
  const claim = claimBetween(earlier, later);
  const lags = later.replicas.filter((r) => r.up).map((r) => r.eventLoopLagP99Seconds * 1000);
  const rss = later.replicas.map((r) => (r.up ? Math.round(r.rssBytes / MB) : 'down')).join('/');
  return (
    `[${clockOf(later.t)}] enqueued ${rate('enqueued')}/s, sent ${rate('sends')}/s, ` +
    `backlog ${later.backlog.due} due + ${later.backlog.processing} processing ` +
    `(oldest ${round(later.backlog.oldestDueSeconds)} s), claim p99 ${claim.p99 ?? '—'} ms (${claim.count}), ` +
    `event-loop p99 max ${lags.length ? round(Math.max(...lags)) : '—'} ms, RSS MB ${rss}, ` +
    `duplicates ${later.duplicates ?? '—'}`
  );
}

export function clockOf(seconds) {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * Everything the summary prints, as data. `measured` are the samples from the end of the warm-up to the
 * end of enqueueing (rates, claim, memory); `all` includes the warm-up (backlog over time).
 */
export function summarize({ all, measured, database, enqueueInsertMs, replicas, notDrainedAfterSeconds }) {
  const first = measured[0];
  const last = measured.at(-1);
  const seconds = last.t - first.t;
  const perReplica = replicas.map((replica, index) => {
    const points = measured.map((s) => ({ t: s.t, r: s.replicas[index] })).filter(({ r }) => r.up);
    const lagsMs = points.map(({ r }) => r.eventLoopLagP99Seconds * 1000);
    const rss = points.map(({ t, r }) => ({ x: t / 3600, y: r.rssBytes / MB }));
    const heap = points.map(({ t, r }) => ({ x: t / 3600, y: r.heapUsedBytes / MB }));
    const sentFirst = points[0]?.r.sent ?? 0;
    return {
      replica: replica.name,
      up: points.length === measured.length && replica.running,
      exit: replica.exit,
      sent: (points.at(-1)?.r.sent ?? 0) - sentFirst,
      eventLoopLagP99Ms: {
        median: percentiles(lagsMs).p50,
        worst: lagsMs.length ? round(Math.max(...lagsMs)) : null,
      },
      rssMb: {
        start: rss.length ? round(rss[0].y) : null,
        end: rss.length ? round(rss.at(-1).y) : null,
        growth: rss.length ? round(rss.at(-1).y - rss[0].y) : null,
        perHourFit: nullableRound(linearSlope(rss)),
        // a leak grows in both halves; a heap settling after start-up only in the first
        perHourFitSecondHalf: nullableRound(linearSlope(rss.slice(Math.floor(rss.length / 2)))),
      },
      heapUsedMb: {
        start: heap.length ? round(heap[0].y) : null,
        end: heap.length ? round(heap.at(-1).y) : null,
        perHourFit: nullableRound(linearSlope(heap)),
      },
      notableLogLines: Object.fromEntries(replica.notable),
    };
  });
  const backlogs = all.map((s) => s.backlog.due + s.backlog.processing);
  return {
    measuredSeconds: round(seconds),
    enqueued: last.enqueued - first.enqueued,
    sent: last.sends - first.sends,
    enqueuedPerSec: round((last.enqueued - first.enqueued) / seconds),
    sentPerSec: round((last.sends - first.sends) / seconds),
    enqueueInsertMs: percentiles(enqueueInsertMs),
    backlog: {
      median: percentiles(backlogs).p50,
      max: Math.max(...backlogs),
      oldestDueSecondsMax: round(Math.max(...all.map((s) => s.backlog.oldestDueSeconds))),
      byMinute: backlogByMinute(all),
    },
    claim: claimBetween(first, last),
    messageLatencyMs: database.messageLatencyMs,
    schedulerLag: database.schedulerLag,
    replicas: perReplica,
    totals: {
      enqueued: database.totalRows,
      providerSends: all.at(-1).sends,
      duplicates: all.at(-1).duplicates,
      statuses: database.statuses,
      notFinal: (database.statuses.pendente ?? 0) + (database.statuses.processando ?? 0),
      notDrainedAfterSeconds,
    },
  };
}

function nullableRound(value) {
  return value === null ? null : round(value);
}

/** The backlog (due + processing) at each whole minute, from the sample nearest to it. */
function backlogByMinute(all) {
  const points = [];
  for (let minute = 0; minute <= Math.floor(all.at(-1).t / 60); minute++) {
    const nearest = all.reduce((best, s) =>
      Math.abs(s.t - minute * 60) < Math.abs(best.t - minute * 60) ? s : best,
    );
    points.push(nearest.backlog.due + nearest.backlog.processing);
  }
  return points;
}

export function printSummary(figures, settings) {
  const out = [];
  out.push('', `soak summary — ${settings}`, '');
  out.push(
    `throughput over ${figures.measuredSeconds} s after warm-up: enqueued ${figures.enqueuedPerSec}/s ` +
      `(${figures.enqueued}), sent ${figures.sentPerSec}/s (${figures.sent}); ` +
      `enqueue insert p50 ${figures.enqueueInsertMs.p50} ms, p99 ${figures.enqueueInsertMs.p99} ms`,
  );
  out.push(
    `backlog (due + processing): median ${figures.backlog.median}, max ${figures.backlog.max}, ` +
      `oldest due wait max ${figures.backlog.oldestDueSecondsMax} s; by minute: ${figures.backlog.byMinute.join(' ')}`,
  );
  const claim = figures.claim;
  out.push(
    claim.measured
      ? `claim (queue_claim_seconds, all replicas): ${claim.count} claims, p50 ${claim.p50} ms, ` +
          `p99 ${claim.p99} ms, mean ${claim.meanMs} ms (p50/p99 interpolated in the histogram's buckets)`
      : 'claim: not measured (the replicas expose no queue_claim_seconds)',
  );
  const latency = figures.messageLatencyMs;
  out.push(
    `message latency (enviada_em − agendar_para, rows enqueued after warm-up): p50 ${latency.p50} ms, ` +
      `p99 ${latency.p99} ms, max ${latency.max} ms (${latency.rows} rows)`,
    '',
  );
  out.push(
    formatTable([
      ['job (scheduled ticks)', 'runs', 'failed', 'lag p50 ms', 'lag p99 ms', 'lag max ms'],
      ...figures.schedulerLag.map((job) => [job.job, job.runs, job.failed, job.p50, job.p99, job.max]),
    ]),
    '',
  );
  out.push(
    formatTable([
      [
        'replica',
        'sent',
        'el-lag p99 median ms',
        'el-lag p99 worst ms',
        'RSS start MB',
        'RSS end MB',
        'RSS growth MB',
        'RSS fit MB/h',
        'RSS fit 2nd half MB/h',
        'heap start MB',
        'heap end MB',
        'heap fit MB/h',
      ],
      ...figures.replicas.map((r) => [
        r.up ? r.replica : `${r.replica} (exited: ${r.exit})`,
        r.sent,
        r.eventLoopLagP99Ms.median,
        r.eventLoopLagP99Ms.worst,
        r.rssMb.start,
        r.rssMb.end,
        r.rssMb.growth,
        r.rssMb.perHourFit,
        r.rssMb.perHourFitSecondHalf,
        r.heapUsedMb.start,
        r.heapUsedMb.end,
        r.heapUsedMb.perHourFit,
      ]),
    ]),
    '',
  );
  const totals = figures.totals;
  out.push(
    `end of run: ${totals.enqueued} rows enqueued, provider answered ${totals.providerSends} sends, ` +
      `duplicates at the provider ${totals.duplicates}, rows by status ${JSON.stringify(totals.statuses)}, ` +
      `not final (pendente + processando) ${totals.notFinal}` +
      (totals.notDrainedAfterSeconds === null
        ? ''
        : ` (the queue had not drained ${totals.notDrainedAfterSeconds} s after enqueueing stopped)`),
  );
  for (const r of figures.replicas) {
    const lines = Object.entries(r.notableLogLines);
    if (lines.length)
      out.push(
        `${r.replica} warnings/errors logged: ${lines.map(([line, n]) => `${n}× ${line}`).join('; ')}`,
      );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
