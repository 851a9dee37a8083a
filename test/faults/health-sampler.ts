import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerFleet } from '../processes/worker-fleet';

const ANSWER_WITHIN_MS = 5_000;

/**
 * Asks every live replica's /health/workers about once a second while the fleet works, and counts
 * the answers as `<http status>:<fila_worker>` (e.g. `200:healthy`, `503:stale`) — what an
 * orchestrator's health check would have seen.
 */
export class HealthSampler {
  readonly answers: Record<string, number> = {};
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly fleet: WorkerFleet,
    private readonly everyMs = 1000,
  ) {
    this.loop = this.sample();
  }

  async stop(): Promise<Record<string, number>> {
    this.stopped = true;
    await this.loop;
    return this.answers;
  }

  private async sample(): Promise<void> {
    while (!this.stopped) {
      // a replica that does not answer within the health check's own budget counts as no answer
      const answers = await Promise.race([
        this.fleet.health().catch(() => []),
        sleep(ANSWER_WITHIN_MS, [] as Awaited<ReturnType<WorkerFleet['health']>>, { ref: false }),
      ]);
      for (const answer of answers) {
        const key = `${answer.status ?? 'no_answer'}:${String(answer.fila_worker)}`;
        this.answers[key] = (this.answers[key] ?? 0) + 1;
      }
      await sleep(this.everyMs, undefined, { ref: false });
    }
  }
}
