import { destination, pino } from 'pino';
import { buildLoggerOptions } from './pino-options';

/**
 * Why the service could not start, said twice: as text on stderr for whoever started it by hand, and as one
 * JSON `ERROR` line on stdout like every other line of the service (CONTRACT §8), so that a crash loop
 * shows where operators look (`grep '"level":"ERROR"'`) even though it happens before the service's own
 * logger exists. Phones in the reason are masked on the JSON line as on any other.
 */
export function reportStartUpFailure(reason: string, { label }: { label?: string } = {}): void {
  process.stderr.write(`${label === undefined ? '' : `${label}: `}${reason}\n`);
  pino(buildLoggerOptions({ LOG_LEVEL: 'info' }), destination({ fd: 1, sync: true })).error(
    { context: 'main', error: reason },
    'start-up failed',
  );
}
