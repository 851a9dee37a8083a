// A zero-latency Evolution API gateway in its own process (CONTRACT §6): answers every
// `POST /message/sendText/{instance}` at once with `{"key":{"id":"..."}}`, over keep-alive.
// `GET /__stats` says how many sends it answered, so the bench can check every system sent each message.
import { createServer } from 'node:http';

const API_KEY = process.env.BENCH_EVOLUTION_KEY ?? 'bench-key';
const SEND_TEXT = /^\/message\/sendText\/[^/?]+$/;
let sends = 0;

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/__stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ sends }));
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
