import { OnApplicationShutdown } from '@nestjs/common';
import http, { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { MAX_REPLY_BYTES, PROVIDER_IDLE_SOCKET_MS } from './whatsapp.constants';

/** What a POST came to: a reply of any status, or no reply at all. Never an exception. */
export type HttpOutcome =
  | {
      readonly kind: 'reply';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      /** the body as text (cut at MAX_REPLY_BYTES) */
      readonly body: string;
      /** the body parsed as JSON, or undefined when it is not JSON */
      readonly json: unknown;
    }
  | {
      readonly kind: 'no_reply';
      /** short and free of secrets: an error code such as ECONNREFUSED, or "timeout after 200 ms" */
      readonly reason: string;
      /** the caller's signal fired (as opposed to our timeout or the network) */
      readonly aborted: boolean;
    };

export interface HttpJsonClientOptions {
  /** the whole request, from connecting to the last byte of the reply */
  readonly timeoutMs: number;
  readonly maxSockets: number;
}

/**
 * POSTs JSON over keep-alive connections (one pool per protocol) with a deadline, honouring the caller's
 * AbortSignal. Providers classify the outcome; this class only moves bytes.
 */
export class HttpJsonClient implements OnApplicationShutdown {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: HttpJsonClientOptions) {
    // the agent's timeout only closes sockets in its free pool; a request in flight has its own deadline
    const pool = { keepAlive: true, maxSockets: options.maxSockets, timeout: PROVIDER_IDLE_SOCKET_MS };
    this.httpAgent = new http.Agent(pool);
    this.httpsAgent = new https.Agent(pool);
  }

  post(
    url: string,
    headers: Readonly<Record<string, string>>,
    payload: unknown,
    signal?: AbortSignal,
  ): Promise<HttpOutcome> {
    if (signal?.aborted) return Promise.resolve({ kind: 'no_reply', reason: 'aborted', aborted: true });
    const target = new URL(url);
    const body = Buffer.from(JSON.stringify(payload));
    const secure = target.protocol === 'https:';
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const onCallerAbort = () => controller.abort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });

    return new Promise<HttpOutcome>((resolve) => {
      const fail = (error: unknown) =>
        resolve({
          kind: 'no_reply',
          reason: timedOut
            ? `timeout after ${this.options.timeoutMs} ms`
            : signal?.aborted
              ? 'aborted'
              : `network error: ${errorCode(error)}`,
          aborted: !timedOut && signal?.aborted === true,
        });
      const request = (secure ? https : http).request(
        target,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          signal: controller.signal,
          headers: {
            ...headers,
            accept: 'application/json',
            'content-type': 'application/json',
            'content-length': body.length,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < MAX_REPLY_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('error', fail);
          // the connection dropped mid-body (no 'end' will come)
          response.on('close', () => {
            if (!response.complete) fail(Object.assign(new Error('reply cut short'), { code: 'ECONNRESET' }));
          });
          response.on('end', () => {
            const text = Buffer.concat(chunks).subarray(0, MAX_REPLY_BYTES).toString('utf8');
            resolve({
              kind: 'reply',
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: text,
              json: parseJson(text),
            });
          });
        },
      );
      request.on('error', fail);
      request.end(body);
    }).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    });
  }

  // At application shutdown, after the scheduler has drained running jobs: sends in flight finish first.
  onApplicationShutdown(): void {
    this.close();
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

// Only the code: a Node error message can quote the URL or the address, never needed in a reason.
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
