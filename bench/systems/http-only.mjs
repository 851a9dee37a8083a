// Ceiling of the HTTP path: N POSTs to the fake provider, `concurrency` in flight, no database.
// BENCH_OPTIONS.client picks the client: `undici` (a Pool and its request(), what the other systems here
// use), `node-http` (node:http's keep-alive agent), `service` (the service's own HttpJsonClient from dist/)
// or `fetch` (Node's global fetch, for contrast).
import { createRequire } from 'node:module';
import path from 'node:path';
import { createJsonPoster, mapWithLimit } from '../lib/post-json.mjs';
import { report, startClock, throughput } from '../lib/samples.mjs';

const options = JSON.parse(process.env.BENCH_OPTIONS);
const url = `${options.providerUrl}/message/sendText/numero1`;
const headers = { apikey: options.providerKey };
const client = createClient(options.client);
const items = Array.from({ length: options.rows }, (_, n) => ({
  number: String(5511900000000 + n),
  text: 'Olá, temos um plantão de UTI no sábado 19h. Tem interesse?',
}));

const clock = startClock();
await mapWithLimit(items, options.concurrency, (payload) => client.post(url, headers, payload));
const figures = throughput(items.length, clock);
await client.close();
report({
  ...figures,
});

function createClient(kind) {
  if (kind === 'node-http' || kind === 'undici')
    return createJsonPoster({ maxSockets: options.concurrency, client: kind });
  if (kind === 'service') {
    const require = createRequire(import.meta.url);
    const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist');
    const { HttpJsonClient } = require(`${dist}/whatsapp/http-json-client.js`);
    const http = new HttpJsonClient({ timeoutMs: 10_000, maxSockets: options.concurrency });
    return {
      async post(target, extraHeaders, payload) {
        const outcome = await http.post(target, extraHeaders, payload);
        if (outcome.kind !== 'reply' || outcome.status !== 200) throw new Error(JSON.stringify(outcome));
        return outcome.json;
      },
      close: () => http.close(),
    };
  }
  if (kind === 'fetch')
    return {
      async post(target, extraHeaders, payload) {
        const response = await fetch(target, {
          method: 'POST',
          headers: { ...extraHeaders, 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        return response.json();
      },
      close: () => undefined,
    };
  throw new Error(`unknown client ${kind}`);
}
