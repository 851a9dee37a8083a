import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const projectRoot = resolve(__dirname, '../..');

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command from the project root (or `cwd`) as an operator would, with only the variables given (plus PATH
 * and HOME), so a developer's own environment or .env cannot leak into the test.
 */
export function runCommand(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
  cwd = projectRoot,
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** the last line of stdout parsed as JSON: the one-line summary of `npm run job` */
export function summaryOf(result: CommandResult): Record<string, unknown> {
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}
