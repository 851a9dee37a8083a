/**
 * A time limit for one call that a garbage collection cannot lose. On Node 20 `AbortSignal.any` holds its
 * sources weakly and an `AbortSignal.timeout` signal is held by nothing else, so a collection during the
 * call dropped the timeout: a server that stopped answering held the job until JOB_TIMEOUT. Here the timer
 * holds the controller until it fires or `clear()` is called.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly ms: number) {
    this.timer = setTimeout(
      () => this.controller.abort(new DOMException(`no answer in ${ms} ms`, 'TimeoutError')),
      ms,
    );
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  /** aborts at the deadline or when `signal` does, whichever comes first */
  or(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.controller.signal]);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
