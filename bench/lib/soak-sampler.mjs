// One sample of the soak: each replica's /metrics, the queue as the database sees it, the provider's count.
import { histogramBuckets, parsePrometheusText, samplesOf } from './prometheus-text.mjs';

const SCRAPE_TIMEOUT_MS = 5_000;

const BACKLOG = `
  SELECT count(*) FILTER (WHERE status = 'pendente' AND agendar_para <= now())::int AS due,
         count(*) FILTER (WHERE status = 'processando')::int AS processing,
         coalesce(extract(epoch FROM now() - min(agendar_para) FILTER (WHERE status = 'pendente'
                  AND agendar_para <= now())), 0)::float AS oldest_due_seconds
    FROM fila_mensagens`;

export async function takeSample({ startedAt, replicas, sql, provider, enqueuer }) {
  const [replicaSamples, backlog, providerStats] = await Promise.all([
    Promise.all(replicas.map(scrapeReplica)),
    sql.query(BACKLOG).then(({ rows }) => rows[0]),
    provider.stats().catch(() => null),
  ]);
  return {
    t: (performance.now() - startedAt) / 1000,
    enqueued: enqueuer.state.enqueued,
    sends: providerStats?.sends ?? null,
    duplicates: providerStats?.duplicates ?? null,
    backlog: {
      due: backlog.due,
      processing: backlog.processing,
      oldestDueSeconds: backlog.oldest_due_seconds,
    },
    replicas: replicaSamples,
  };
}

async function scrapeReplica(replica) {
  if (!replica.running) return { name: replica.name, up: false };
  try {
    const response = await fetch(replica.metricsUrl, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    const samples = parsePrometheusText(await response.text());
    const one = (name) => samplesOf(samples, name)[0]?.value ?? null;
    return {
      name: replica.name,
      up: true,
      rssBytes: one('process_resident_memory_bytes'),
      heapUsedBytes: one('nodejs_heap_size_used_bytes'),
      // prom-client resets its event-loop histogram at every scrape: this is the p99 since the last sample
      eventLoopLagP99Seconds: one('nodejs_eventloop_lag_p99_seconds'),
      claimBuckets: histogramBuckets(samples, 'queue_claim_seconds'),
      claimSumSeconds: one('queue_claim_seconds_sum'),
      sent: samplesOf(samples, 'messages_sent_total')
        .filter(({ labels }) => labels.outcome === 'sent')
        .reduce((sum, { value }) => sum + value, 0),
    };
  } catch (error) {
    return { name: replica.name, up: false, error: error.message };
  }
}
