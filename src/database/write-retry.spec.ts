import { retryWrite } from './write-retry';

describe('retryWrite', () => {
  // what Prisma throws while the server is down
  const unreachable = () => Object.assign(new Error("Can't reach database server"), { code: 'P1001' });

  it('tries again until the write lands, telling each failure', async () => {
    let calls = 0;
    const retries: number[] = [];
    const written = await retryWrite(
      async () => {
        calls++;
        if (calls < 3) throw unreachable();
        return 'written';
      },
      { budgetMs: 5_000, onRetry: (_error, attempt) => retries.push(attempt) },
    );
    expect(written).toBe('written');
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up with the last error once the budget is spent', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      retryWrite(
        async () => {
          calls++;
          throw new Error(`Connection terminated unexpectedly (attempt ${calls})`);
        },
        { budgetMs: 600 },
      ),
    ).rejects.toThrow(/attempt 2/);
    // 250 ms, then 500 ms would pass the budget: two attempts
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('makes the first attempt even with no budget left', async () => {
    let calls = 0;
    await expect(
      retryWrite(
        async () => {
          calls++;
          throw unreachable();
        },
        { budgetMs: -1_000 },
      ),
    ).rejects.toThrow(/reach/);
    expect(calls).toBe(1);
    await expect(retryWrite(async () => 'ok', { budgetMs: -1_000 })).resolves.toBe('ok');
  });

  it('does not retry a statement that failed on its own: only a database that went away is waited for', async () => {
    let calls = 0;
    const diskFull = Object.assign(new Error('Raw query failed. Code: `P0001`. Message: `disk full`'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { kind: 'postgres', code: 'P0001' } } },
    });
    await expect(
      retryWrite(
        async () => {
          calls++;
          throw diskFull;
        },
        { budgetMs: 5_000 },
      ),
    ).rejects.toBe(diskFull);
    expect(calls).toBe(1);
  });
});
