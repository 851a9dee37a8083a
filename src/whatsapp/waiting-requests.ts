/** A request that its caller may still take back. */
export interface Withdrawable {
  withdraw(): void;
}

/**
 * The requests still waiting for a connection under one `withdraw` signal. It listens to the signal only
 * while one waits: Node 20 keeps a signal made by AbortSignal.any alive for as long as it has an `abort`
 * listener and has not fired, and most withdraw signals never fire.
 */
export class WaitingRequests {
  private readonly requests = new Set<Withdrawable>();
  private readonly onAbort = () => [...this.requests].forEach((request) => request.withdraw());

  constructor(
    private readonly signal: AbortSignal,
    private readonly onEmpty: () => void,
  ) {}

  add(request: Withdrawable): void {
    if (this.requests.size === 0) this.signal.addEventListener('abort', this.onAbort, { once: true });
    this.requests.add(request);
  }

  delete(request: Withdrawable): void {
    if (!this.requests.delete(request) || this.requests.size > 0) return;
    this.signal.removeEventListener('abort', this.onAbort);
    this.onEmpty();
  }
}
