import { isWriteConflict } from './write-conflict';

const adapterError = (cause: Record<string, unknown>, code = 'P2010') =>
  Object.assign(new Error('Raw query failed.'), { code, meta: { driverAdapterError: { cause } } });

describe('isWriteConflict', () => {
  it.each([
    ['deadlock (raw query)', adapterError({ kind: 'TransactionWriteConflict' })],
    ['deadlock (model query)', adapterError({ kind: 'TransactionWriteConflict' }, 'P2034')],
    ['deadlock as a plain SQLSTATE', adapterError({ kind: 'postgres', code: '40P01' })],
    ['serialization failure', adapterError({ kind: 'postgres', code: '40001' })],
    ['deadlock from pg without Prisma', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
  ])('%s: run it again', (_what, error) => {
    expect(isWriteConflict(error)).toBe(true);
  });

  it.each([
    ['unique violation', adapterError({ kind: 'UniqueConstraintViolation' }, 'P2002')],
    ['lock timeout', adapterError({ kind: 'postgres', code: '55P03' })],
    ['server down', adapterError({ kind: 'DatabaseNotReachable' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['nothing', undefined],
  ])('%s: not a conflict', (_what, error) => {
    expect(isWriteConflict(error)).toBe(false);
  });
});
