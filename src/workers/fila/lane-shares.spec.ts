import { LaneShares } from './lane-shares';

describe('LaneShares', () => {
  it('gives a lane alone all of WORKER_CONCURRENCY, and two lanes half each, the first the larger half', () => {
    const shares = new LaneShares(5);
    shares.join(0);
    expect(shares.waveSize(0)).toBe(5);
    shares.join(1);
    expect([shares.waveSize(0), shares.waveSize(1)]).toEqual([3, 2]);
    shares.leave(0);
    expect(shares.waveSize(1)).toBe(5);
  });

  it('never splits a concurrency of one', () => {
    expect(new LaneShares(1).canSplit).toBe(false);
    expect(new LaneShares(2).canSplit).toBe(true);
  });
});
