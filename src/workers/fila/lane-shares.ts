/**
 * WORKER_CONCURRENCY shared among a run's lanes that are sending: a lane alone sends in waves of all of
 * it, two lanes in waves of half each (the first the larger half). A lane asks at each wave, so no more
 * than WORKER_CONCURRENCY sends are in flight as long as a second lane joins before the first lane's first
 * wave (see FilaService) and a lane that leaves has nothing in flight.
 */
export class LaneShares {
  private readonly sending = new Set<number>();

  constructor(private readonly concurrency: number) {}

  /** a second lane would get no share at all */
  get canSplit(): boolean {
    return this.concurrency >= 2;
  }

  join(lane: number): void {
    this.sending.add(lane);
  }

  leave(lane: number): void {
    this.sending.delete(lane);
  }

  waveSize(lane: number): number {
    const lanes = [...this.sending].sort((a, b) => a - b);
    const rank = Math.max(0, lanes.indexOf(lane));
    const count = Math.max(1, lanes.length);
    return Math.floor((this.concurrency + count - 1 - rank) / count);
  }
}
