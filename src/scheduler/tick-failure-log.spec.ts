import { TickFailureLog } from './tick-failure-log';

describe('TickFailureLog', () => {
  const at = (second: number) => new Date(Date.UTC(2026, 2, 2, 13, 0, second));

  function recorder() {
    const lines: Array<{ level: string; line: Record<string, unknown> }> = [];
    const record = (level: string) => (line: Record<string, unknown>) => lines.push({ level, line });
    return { lines, logger: { error: record('error'), log: record('log'), debug: record('debug') } };
  }

  it('logs one ERROR per spell of failures, repeats at debug, and one line when ticks run again', () => {
    const { lines, logger } = recorder();
    const log = new TickFailureLog(logger);

    for (let second = 0; second < 5; second++) log.failed('process_queue', at(second), 'database down');
    log.failed('temperature_decay', at(0), 'database down');
    log.succeeded('process_queue');
    log.succeeded('process_queue');

    expect(lines.filter((entry) => entry.level === 'error').map((entry) => entry.line.job)).toEqual([
      'process_queue',
      'temperature_decay',
    ]);
    expect(lines.filter((entry) => entry.level === 'debug')).toHaveLength(4);
    expect(lines.filter((entry) => entry.level === 'log').map((entry) => entry.line)).toEqual([
      {
        msg: 'ticks run again',
        job: 'process_queue',
        failed_ticks: 5,
        failing_since: '2026-03-02T13:00:00.000Z',
      },
    ]);
  });

  it('a new reason during a spell is an ERROR again; a new spell after recovery too', () => {
    const { lines, logger } = recorder();
    const log = new TickFailureLog(logger);

    log.failed('handoff_processor', at(0), 'database down');
    log.failed('handoff_processor', at(1), 'lock service unavailable');
    log.succeeded('handoff_processor');
    log.failed('handoff_processor', at(5), 'database down');

    expect(lines.map((entry) => [entry.level, entry.line.error ?? entry.line.failed_ticks])).toEqual([
      ['error', 'database down'],
      ['error', 'lock service unavailable'],
      ['log', 2],
      ['error', 'database down'],
    ]);
  });
});
