/**
 * The `withdraw` signals of one wave's sends, one per sending number. A number's signal fires when its
 * circuit opens during the wave, and every number's when the run is told to stop: its sends still waiting
 * for a provider connection are then not made. Only a wave larger than the provider's connections has
 * such sends; without this, a provider that stops answering would make each of them wait its turn and
 * time out, holding the run and spending an attempt of every message.
 */
export class WaveWithdrawal {
  private readonly byNumber = new Map<string, { controller: AbortController; signal: AbortSignal }>();

  constructor(private readonly runSignal: AbortSignal) {}

  signalFor(sendingNumber: string): AbortSignal {
    return this.entryFor(sendingNumber).signal;
  }

  /** also before the wave's sends have asked for their signal: they then never leave */
  withdraw(sendingNumber: string): void {
    this.entryFor(sendingNumber).controller.abort();
  }

  private entryFor(sendingNumber: string): { controller: AbortController; signal: AbortSignal } {
    let entry = this.byNumber.get(sendingNumber);
    if (entry === undefined) {
      const controller = new AbortController();
      const signal = AbortSignal.any([controller.signal, this.runSignal]);
      entry = { controller, signal };
      this.byNumber.set(sendingNumber, entry);
    }
    return entry;
  }
}
