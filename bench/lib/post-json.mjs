// The HTTP client the other systems send with: node:http over a keep-alive agent, the same choice as
// the service's HttpJsonClient, so the comparison measures the queues and not the clients.
import http from 'node:http';

export function createJsonPoster({ maxSockets }) {
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
