/**
 * The requests still waiting for a connection under one `withdraw` signal. It listens to the signal only
 * while one waits: Node 20 keeps a signal made by AbortSignal.any alive for as long as it has an `abort`
 * listener and has not fired, and most withdraw signals never fire.
 */
export class WaitingRequests {
  private readonly withdrawals = new Set<() => void>();
  private readonly onAbort = () => [...this.withdrawals].forEach((withdraw) => withdraw());

  constructor(
    private readonly signal: AbortSignal,
    private readonly onEmpty: () => void,
  ) {}

  add(withdraw: () => void): void {
    if (this.withdrawals.size === 0) this.signal.addEventListener('abort', this.onAbort, { once: true });
    this.withdrawals.add(withdraw);
  }

  delete(withdraw: () => void): void {
    if (!this.withdrawals.delete(withdraw) || this.withdrawals.size > 0) return;
    this.signal.removeEventListener('abort', this.onAbort);
    this.onEmpty();
  }
}
