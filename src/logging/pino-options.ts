import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoggerOptions, stdSerializers, stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';
import { jobLogFields } from './job-log-context';
import { maskPhonesDeep, maskPhonesInSerialized, maskPhonesInText } from './phone-mask';

/** Railway and Docker poll these every few seconds; a line per poll would drown the useful ones. */
export const UNLOGGED_PATH_PREFIX = '/health';

/** Headers that carry credentials (admin bearer token, Evolution `apikey`, cookies) never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.apikey',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * The pino (and pino-http) options of the whole service, built from the configuration alone so they can be
 * tested without booting Nest (CONTRACT §8):
 * one JSON object per line on stdout, `level` as an upper-case word, `time` as ISO-8601, `msg`;
 * phone numbers masked in the message and in every string field; credentials redacted.
 */
export function buildPinoOptions(config: Pick<AppConfig, 'LOG_LEVEL'>): Options {
  return {
    ...buildLoggerOptions(config),
    // HTTP auto-logging (pino-http): one line per finished request, none for health probes
    autoLogging: { ignore: (request: IncomingMessage) => isUnloggedPath(request.url) },
    // only the request id is bound to logs written while handling a request; the full request is in the
    // `request completed` line
    quietReqLogger: true,
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const incoming = request.headers['x-request-id'];
      const id = isUsableRequestId(incoming) ? incoming : randomUUID();
      response.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_request, response, error) => {
      if (error || response.statusCode >= 500) return 'error';
      if (response.statusCode >= 400) return 'warn';
      return 'info';
    },
  };
}

/**
 * The line format of every logger of the service, the HTTP one and the one start-up failures use: level,
 * ISO time, `msg`, phones masked in the message and in every field, credentials redacted.
 */
export function buildLoggerOptions(config: Pick<AppConfig, 'LOG_LEVEL'>): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    messageKey: 'msg',
    timestamp: stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label.toUpperCase() }),
      // the merging object (fields and, for Nest's Logger, `msg` itself)
      log: (object) => maskPhonesDeep(object),
      // the root logger's bindings only: pino does not pass a child's bindings through formatters, so
      // pino-http's `reqId` child is kept phone-free by genReqId below
      bindings: (bindings) => maskPhonesDeep(bindings),
    },
    // `job` and `execution_id` of the run a line is written in, whoever writes it; a line's own fields win
    mixin: () => jobLogFields(),
    hooks: {
      // the message and its printf-style arguments, before pino formats them into `msg`
      logMethod(args, method) {
        const masked = args.map((arg: unknown) => (typeof arg === 'string' ? maskPhonesInText(arg) : arg));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
    serializers: {
      // pino-http hands these the already-serialized value; plain pino hands them the raw one
      err: (error: unknown) =>
        maskPhonesInSerialized(error instanceof Error ? stdSerializers.err(error) : error),
      req: (request: unknown) =>
        maskPhonesInSerialized(isRawRequest(request) ? stdSerializers.req(request) : request),
    },
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
  };
}

export function isUnloggedPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  return url === UNLOGGED_PATH_PREFIX || /^\/health[/?]/.test(url);
}

/**
 * A caller's request id is kept unless it is malformed or holds a phone number (`lead-5511987654321`):
 * it is echoed in a response header and written unmasked in `reqId` and `res.headers`, so such an id is
 * replaced by a new one rather than masked (the caller reads the one we use in the response header).
 */
function isUsableRequestId(id: string | string[] | undefined): id is string {
  return typeof id === 'string' && /^[\w.:-]{1,128}$/.test(id) && maskPhonesInText(id) === id;
}

function isRawRequest(value: unknown): value is IncomingMessage {
  return typeof value === 'object' && value !== null && 'socket' in value && 'httpVersion' in value;
}
