// Reads the Prometheus text format (what each replica's GET /metrics answers) into plain numbers.

/** Every sample line as `name{labels}` → value (comment lines skipped). */
export function parsePrometheusText(text) {
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}

/** The samples of one metric: [{ labels: {job: 'x'}, value }]. */
export function samplesOf(samples, name) {
  const found = [];
  for (const [key, value] of samples) {
    const brace = key.indexOf('{');
    if ((brace === -1 ? key : key.slice(0, brace)) !== name) continue;
    const labels = {};
    if (brace !== -1)
      for (const [, label, labelValue] of key.slice(brace + 1, -1).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[label] = labelValue;
    found.push({ labels, value });
  }
  return found;
}

/** A histogram's cumulative bucket counts, by upper bound (Infinity last). */
export function histogramBuckets(samples, name) {
  return samplesOf(samples, `${name}_bucket`)
    .map(({ labels, value }) => ({ le: labels.le === '+Inf' ? Infinity : Number(labels.le), count: value }))
    .sort((a, b) => a.le - b.le);
}

/** Bucket counts added between two snapshots (of one or more replicas, same buckets): `later − earlier`. */
export function bucketDelta(later, earlier = []) {
  return later.map((bucket, index) => ({
    le: bucket.le,
    count: bucket.count - (earlier[index]?.count ?? 0),
  }));
}

/** Sums the cumulative buckets of several replicas. */
export function mergeBuckets(bucketLists) {
  const lists = bucketLists.filter((list) => list.length);
  if (!lists.length) return [];
  return lists[0].map((bucket, index) => ({
    le: bucket.le,
    count: lists.reduce((sum, list) => sum + (list[index]?.count ?? 0), 0),
  }));
}

/**
 * The q-quantile of cumulative buckets, interpolated linearly inside its bucket as PromQL's
 * histogram_quantile does (so it is only as fine as the buckets); null when there are no observations.
 */
export function histogramQuantile(buckets, q) {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound; // above the highest finite bucket: its bound is all we know
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, 1e-9);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
