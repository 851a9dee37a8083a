import {
  freePort,
  ServiceProcess,
  waitForHealthy,
  workersHealth,
  type LogLine,
} from '../utils/service-process';

export interface Worker {
  readonly name: string;
  readonly port: number;
  readonly process: ServiceProcess;
}

/** Several replicas of the built service (`node dist/main`) on one database and one Redis prefix. */
export class WorkerFleet {
  /** processes that were replaced by `restart`, oldest first */
  readonly retired: Worker[] = [];

  private constructor(
    readonly workers: Worker[],
    private readonly env: Record<string, string>,
  ) {}

  static async start(count: number, env: Record<string, string>): Promise<WorkerFleet> {
    const workers: Worker[] = [];
    for (let index = 0; index < count; index++) {
      const port = await freePort();
      const process = new ServiceProcess({ ...env, PORT: String(port) });
      workers.push({ name: `worker${index + 1}`, port, process });
    }
    const fleet = new WorkerFleet(workers, env);
    try {
      await Promise.all(workers.map((worker) => waitForHealthy(worker.port, 60_000)));
    } catch (error) {
      await fleet.stopAll();
      const outputs = workers.map((worker) => `--- ${worker.name}\n${worker.process.output.slice(-3000)}`);
      throw new Error(`${(error as Error).message}\n${outputs.join('\n')}`, { cause: error });
    }
    return fleet;
  }

  /**
   * A new process in place of an exited one (same port, same env), as an orchestrator starts after a
   * crash or during a deploy; resolves once it answers /health/workers with 200.
   */
  async restart(worker: Worker, healthyWithinMs = 60_000): Promise<Worker> {
    const index = this.workers.indexOf(worker);
    if (index < 0) throw new Error(`${worker.name} is not a current worker of this fleet`);
    if (worker.process.isRunning()) throw new Error(`${worker.name} is still running: stop it first`);
    const generation = this.retired.filter((old) => old.port === worker.port).length + 2;
    const replacement: Worker = {
      name: `${worker.name.replace(/#\d+$/, '')}#${generation}`,
      port: worker.port,
      process: new ServiceProcess({ ...this.env, PORT: String(worker.port) }),
    };
    this.retired.push(worker);
    this.workers[index] = replacement;
    try {
      await waitForHealthy(replacement.port, healthyWithinMs);
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\n--- ${replacement.name}\n${replacement.process.output.slice(-3000)}`,
        { cause: error },
      );
    }
    return replacement;
  }

  /** The worker in the middle of a process_queue run (its last `job started` has no end yet). */
  runningQueueWorker(): Worker | undefined {
    return this.workers.find(
      (worker) => worker.process.isRunning() && hasOpenQueueRun(worker.process.lines()),
    );
  }

  live(): Worker[] {
    return this.workers.filter((worker) => worker.process.isRunning());
  }

  async health(): Promise<Array<{ name: string; status: number | null; fila_worker: unknown }>> {
    return Promise.all(
      this.live().map(async (worker) => {
        const health = await workersHealth(worker.port);
        return { name: worker.name, status: health?.status ?? null, fila_worker: health?.body.fila_worker };
      }),
    );
  }

  /** How many process_queue runs each worker finished: who did the work. */
  finishedRuns(): Record<string, number> {
    return Object.fromEntries(
      [...this.retired, ...this.workers].map((worker) => [
        worker.name,
        worker.process.lines().filter((line) => line.msg === 'job finished' && line.job === 'process_queue')
          .length,
      ]),
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.process.stop()));
  }
}

function hasOpenQueueRun(lines: LogLine[]): boolean {
  const open = new Set<unknown>();
  for (const line of lines) {
    if (line.job !== 'process_queue') continue;
    if (line.msg === 'job started') open.add(line.execution_id);
    if (line.msg === 'job finished' || line.msg === 'job failed') open.delete(line.execution_id);
  }
  return open.size > 0;
}
