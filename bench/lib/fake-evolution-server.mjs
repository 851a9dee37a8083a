// A zero-latency Evolution API gateway in its own process (CONTRACT §6): answers every
// `POST /message/sendText/{instance}` at once with `{"key":{"id":"..."}}`, over keep-alive.
// `GET /__stats` says how many sends it answered, so the bench can check every system sent each message.
// With BENCH_EVOLUTION_TRACK_DUPLICATES=1 (the soak, whose texts are unique) it also counts sends of a
// number and text it had already answered: the same message sent twice.
import { createServer } from 'node:http';

const API_KEY = process.env.BENCH_EVOLUTION_KEY ?? 'bench-key';
const SEND_TEXT = /^\/message\/sendText\/[^/?]+$/;
const seen = process.env.BENCH_EVOLUTION_TRACK_DUPLICATES === '1' ? new Set() : null;
let sends = 0;
let duplicates = 0;

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/__stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ sends, duplicates }));
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST' || !SEND_TEXT.test(request.url ?? '')) {
      response.writeHead(404).end();
      return;
    }
    if (request.headers.apikey !== API_KEY) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"status":401}');
      return;
    }
    sends++;
    if (seen) {
      const { number, text } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const key = `${number}\u0000${text}`;
      if (seen.has(key)) duplicates++;
      else seen.add(key);
    }
    const body = JSON.stringify({ key: { id: `3EB0${sends.toString(16).toUpperCase().padStart(16, '0')}` } });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${server.address().port}` });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
