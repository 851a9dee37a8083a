import { isDatabaseUnavailable } from './database-unavailable';

// Shapes seen from Prisma 7 with @prisma/adapter-pg while a PostgreSQL server was stopped and restarted.
const adapterError = (cause: Record<string, unknown>, code = 'P2010') =>
  Object.assign(new Error('Raw query failed.'), { code, meta: { driverAdapterError: { cause } } });

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'server down (raw query)',
      adapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 }),
    ],
    ['server down (model query)', adapterError({ kind: 'DatabaseNotReachable' }, 'P1001')],
    ['connection reset', adapterError({ kind: 'ConnectionClosed' })],
    ['admin shutdown', adapterError({ kind: 'postgres', code: '57P01', severity: 'FATAL' })],
    ['starting up', adapterError({ kind: 'postgres', code: '57P03', severity: 'FATAL' })],
    ['connection exception', adapterError({ kind: 'postgres', code: '08006' })],
    ['socket died under a query', new Error('Connection terminated unexpectedly')],
  ])('%s: wait for it', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['division by zero', adapterError({ kind: 'postgres', code: '22012', severity: 'ERROR' })],
    ['raised by a trigger', adapterError({ kind: 'postgres', code: 'P0001' })],
    ['unique violation', adapterError({ kind: 'UniqueConstraintViolation' }, 'P2002')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'timeout'],
    ['nothing', undefined],
  ])('%s: the statement failed, not the database', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
