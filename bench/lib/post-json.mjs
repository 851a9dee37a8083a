// The HTTP clients the other systems send with. `undici` (the default): a Pool of keep-alive connections
// and its documented `request()`, the library the service's HttpJsonClient is built on, so the comparison
// measures the queues and not the clients. `node-http`: node:http over a keep-alive agent, what every
// system used before the service moved to undici (`--baseline-client node-http` shows the old setting).
import http from 'node:http';
import { Pool } from 'undici';

export function createJsonPoster({ maxSockets, client = 'undici' }) {
  if (client === 'undici') return createUndiciPoster(maxSockets);
  if (client === 'node-http') return createNodeHttpPoster(maxSockets);
  throw new Error(`unknown client ${client}`);
}

function createUndiciPoster(maxSockets) {
  const pools = new Map();
  const poolOf = (origin) => {
    let pool = pools.get(origin);
    if (!pool) pools.set(origin, (pool = new Pool(origin, { connections: maxSockets })));
    return pool;
  };
  return {
    async post(url, headers, payload) {
      const { origin, pathname } = new URL(url);
      const response = await poolOf(origin).request({
        path: pathname,
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      const reply = await response.body.json();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      return reply;
    },
    close: () => Promise.all([...pools.values()].map((pool) => pool.destroy())),
  };
}

function createNodeHttpPoster(maxSockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    post(url, headers, payload) {
      const body = Buffer.from(JSON.stringify(payload));
      return new Promise((resolve, reject) => {
        const request = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: { ...headers, 'content-type': 'application/json', 'content-length': body.length },
          },
          (response) => {
            const chunks = [];
            response.on('data', (chunk) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
              if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}`));
              else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            });
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** Runs `work` on every item with at most `limit` in flight; results in input order. */
export async function mapWithLimit(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
