import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

export interface RawRequest {
  readonly method: string;
  /** sent as written: no normalisation of `..`, `%2e` or encodings on the client side */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** send the body in chunks without Content-Length (Transfer-Encoding: chunked) */
  readonly chunked?: boolean;
}

const CHUNK_BYTES = 16 * 1024;

/**
 * One request through node:http on a connection of its own, so nothing is refused or rewritten by a client
 * library. A server may answer (413) and close before the whole body is sent: the answer still counts.
 */
export function sendRaw(port: number, raw: RawRequest): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...raw.headers };
  if (raw.body !== undefined) {
    if (raw.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(Buffer.byteLength(raw.body));
  }
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = request(
      { host: '127.0.0.1', port, method: raw.method, path: raw.path, headers, agent: false },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        const finish = () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', finish);
        response.on('error', finish);
      },
    );
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (raw.body === undefined) outgoing.end();
    else if (raw.chunked) {
      const body = Buffer.from(raw.body);
      for (let start = 0; start < body.length; start += CHUNK_BYTES)
        outgoing.write(body.subarray(start, start + CHUNK_BYTES));
      outgoing.end();
    } else outgoing.end(raw.body);
  });
}
