import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from './run-command';

export type LogLine = Record<string, unknown>;

/**
 * The built service (`node dist/main`, what `npm start` and the Docker image run) as a real process,
 * with only the variables given (plus PATH), so a developer's environment or .env cannot leak in.
 */
export class ServiceProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  output = '';
  /** the exit code (null when killed by a signal) */
  readonly exited: Promise<number | null>;
  exitSignal: NodeJS.Signals | null = null;
  private running = true;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['dist/main'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    this.child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.running = false;
        this.exitSignal = signal;
        resolve(code);
      }),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  isRunning(): boolean {
    return this.running;
  }

  lines(): LogLine[] {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as LogLine];
        } catch {
          return []; // a line still being written
        }
      });
  }

  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.lines().find(predicate);
      if (found) return found;
      await sleep(100);
    }
    throw new Error(`log line not seen in ${timeoutMs} ms; output:\n${this.output}`);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited in time; for cleanup after a failed test */
  async stop(timeoutMs = 40_000): Promise<void> {
    if (!this.running) return;
    this.kill('SIGTERM');
    const exited = await Promise.race([
      this.exited.then(() => true),
      sleep(timeoutMs, false, { ref: false }),
    ]);
    if (!exited) {
      this.kill('SIGKILL');
      await this.exited;
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** GET /health/workers once: the status and the body, or null while nothing listens */
export async function workersHealth(port: number): Promise<{ status: number; body: LogLine } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/workers`);
    return { status: response.status, body: (await response.json()) as LogLine };
  } catch {
    return null;
  }
}

export async function waitForHealthy(port: number, timeoutMs = 30_000): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = await workersHealth(port);
    if (health?.status === 200) return health.body;
    await sleep(200);
  }
  throw new Error(`/health/workers not healthy on port ${port} within ${timeoutMs} ms`);
}
