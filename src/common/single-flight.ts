/**
 * One call at a time, shared by whoever asks meanwhile: while a call is in flight, another caller gets the
 * same promise instead of starting a second call.
 */
export class SingleFlight<T> {
  private pending: Promise<T> | null = null;

  run(start: () => Promise<T>): Promise<T> {
    this.pending ??= start().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }
}
