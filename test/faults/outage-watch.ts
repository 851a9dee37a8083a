import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from '../processes/worker-fleet';
import { workersHealth, type LogLine } from '../utils/service-process';

export interface HealthSample {
  readonly at: number;
  /** null when nothing answered (the process is not serving) */
  readonly status: number | null;
  readonly body: LogLine | null;
}

export interface Window {
  readonly from: number;
  /** null while still open */
  readonly to: number | null;
}

/**
 * Probes /health/workers of every replica all the time, so a test can ask, after the fact, when each
 * replica turned 503 and back, and why.
 */
export class HealthWatch {
  private readonly samples = new Map<string, HealthSample[]>();
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly workers: readonly Worker[],
    private readonly everyMs = 250,
  ) {
    for (const worker of workers) this.samples.set(worker.name, []);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  latest(name: string): HealthSample | undefined {
    const samples = this.samples.get(name) ?? [];
    return samples[samples.length - 1];
  }

  /** the first sample of this replica at or after `after` that matches */
  firstAfter(name: string, after: number, matches: (sample: HealthSample) => boolean): HealthSample | null {
    return (this.samples.get(name) ?? []).find((sample) => sample.at >= after && matches(sample)) ?? null;
  }

  /** each replica's spans of non-200 answers */
  unhealthyWindows(name: string): Window[] {
    const windows: Window[] = [];
    let from: number | null = null;
    for (const sample of this.samples.get(name) ?? []) {
      if (sample.status !== 200 && from === null) from = sample.at;
      if (sample.status === 200 && from !== null) {
        windows.push({ from, to: sample.at });
        from = null;
      }
    }
    if (from !== null) windows.push({ from, to: null });
    return windows;
  }

  /** answers other than 200 and 503 (nothing listening, a 500): a replica that stopped serving */
  unexpectedAnswers(name: string): HealthSample[] {
    return (this.samples.get(name) ?? []).filter((sample) => sample.status !== 200 && sample.status !== 503);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = Date.now();
      await Promise.all(
        this.workers.map(async (worker) => {
          const at = Date.now();
          const health = await workersHealth(worker.port);
          this.samples
            .get(worker.name)!
            .push({ at, status: health?.status ?? null, body: health?.body ?? null });
        }),
      );
      await sleep(Math.max(0, this.everyMs - (Date.now() - started)));
    }
  }
}
