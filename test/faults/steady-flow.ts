import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';

/**
 * New queued rows all the time, as other services of the platform insert them (plain SQL): every
 * second a few replies (`tipo` 'resposta', any hour), one new lead each, texts `<label>-<n>`. Paused
 * while the test has the database down. An insert that fails (a connection the restart broke) may
 * still have committed, so the same rows are inserted again the next second by a statement that adds
 * nothing when they exist: a row counts as enqueued once an insert of it is confirmed.
 */
export class SteadyFlow {
  /** the texts of every row whose insert committed */
  readonly enqueued: string[] = [];
  failedInserts = 0;
  private sequence = 0;
  private retrying: { first: number; texts: string[] } | null = null;
  private paused = false;
  private stopped = false;
  private readonly loop: Promise<void>;
  private inserting: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly label: string,
    private readonly rowsPerSecond: number,
  ) {
    this.loop = this.run();
  }

  /** resolves once no insert is under way: none starts until resume() */
  async pause(): Promise<void> {
    this.paused = true;
    await this.inserting;
  }

  resume(): void {
    this.paused = false;
  }

  /** stops adding rows; rows whose insert is still in doubt are confirmed first */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (let attempt = 0; this.retrying && attempt < 10; attempt++) {
      await sleep(500);
      await this.insert();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = Date.now();
      if (!this.paused) {
        this.inserting = this.insert();
        await this.inserting;
      }
      await sleep(Math.max(0, 1000 - (Date.now() - started)));
    }
  }

  private async insert(): Promise<void> {
    const { first, texts } = this.retrying ?? this.nextRows();
    try {
      await this.pool.query(
        `WITH numbered AS (
           SELECT n, '55119' || lpad(n::text, 8, '0') AS telefone FROM generate_series($2::int, $3::int) AS n
         ), new_leads AS (
           INSERT INTO leads (telefone, nome) SELECT telefone, 'Dr. ' || n FROM numbered
           ON CONFLICT (telefone) DO NOTHING RETURNING id, telefone
         )
         INSERT INTO fila_mensagens (lead_id, conteudo, tipo)
         SELECT l.id, $1 || '-' || n, 'resposta' FROM numbered JOIN new_leads l USING (telefone)`,
        [this.label, first, first + this.rowsPerSecond - 1],
      );
      this.enqueued.push(...texts);
      this.retrying = null;
    } catch {
      this.failedInserts++;
      this.retrying = { first, texts };
    }
  }

  private nextRows(): { first: number; texts: string[] } {
    const first = this.sequence + 1;
    this.sequence += this.rowsPerSecond;
    return {
      first,
      texts: Array.from({ length: this.rowsPerSecond }, (_, index) => `${this.label}-${first + index}`),
    };
  }
}
