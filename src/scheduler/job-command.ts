import { Injectable } from '@nestjs/common';
import { userInfo } from 'node:os';
import { LOCK_UNAVAILABLE_PREFIX } from '../redis/lock-unavailable.error';
import { JobControlService } from './job-control.service';
import { JobRegistry } from './job-registry';
import { JobAliases } from './job-names';

const LOCK_WAIT_MS = 10_000;

export const ExitCode = { success: 0, failed: 1, usage: 2 } as const;

/** The logic of `npm run job`: arguments in, one JSON line out, an exit code back. */
@Injectable()
export class JobCommand {
  constructor(
    private readonly registry: JobRegistry,
    private readonly control: JobControlService,
  ) {}

  async execute(args: string[], print: (line: string) => void): Promise<number> {
    if (args.length === 1 && args[0] === '--list') {
      for (const job of await this.control.list())
        print(
          JSON.stringify({
            job: job.name,
            schedule: job.schedule,
            next_run_at: job.nextRunAt,
            paused: job.paused,
          }),
        );
      return ExitCode.success;
    }
    const usage = usageError(args, this.registry.names(), (name) => this.registry.has(name));
    if (usage !== null) {
      print(usage);
      return ExitCode.usage;
    }
    if (args[0] === '--pause' || args[0] === '--resume') {
      const paused = args[0] === '--pause';
      if (paused) await this.control.pause(args[1], pausedBy());
      else await this.control.resume(args[1], pausedBy());
      print(JSON.stringify({ job: this.registry.get(args[1]).name, paused }));
      return ExitCode.success;
    }
    const outcome = await this.control.runNow(args[0], { trigger: 'cli', waitForLockMs: LOCK_WAIT_MS });
    const message = outcome.status === 'skipped' ? skippedMessage(outcome.jobName, outcome.error) : undefined;
    print(
      JSON.stringify({
        job: outcome.jobName,
        status: outcome.status,
        execution_id: outcome.executionId,
        duration_ms: outcome.durationMs,
        items_processed: outcome.itemsProcessed,
        ...(outcome.details ? { details: outcome.details } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(message ? { message } : {}),
      }),
    );
    return outcome.status === 'success' ? ExitCode.success : ExitCode.failed;
  }
}

/**
 * The usage line for arguments that name no job (null when they name one), with the valid names: the jobs'
 * and their workers' (`fila_worker`). Also used before the application boots, from the names alone, so
 * a typo gets its answer even when the database is down.
 */
export function usageError(
  args: readonly string[],
  jobNames: readonly string[],
  isJob: (name: string) => boolean,
): string | null {
  if (args.length === 1 && args[0] === '--list') return null;
  if (args.length === 1 && !args[0].startsWith('-') && isJob(args[0])) return null;
  const pauseFlag = args[0] === '--pause' || args[0] === '--resume';
  if (pauseFlag && args.length === 2 && isJob(args[1])) return null;
  const named = pauseFlag ? args.slice(1) : args;
  const problem =
    named.length === 0
      ? 'missing job name'
      : named.length > 1
        ? `expected one job name, got ${named.length} arguments`
        : `unknown job "${shorten(named[0])}"`;
  const aliases = Object.keys(JobAliases).filter((alias) => jobNames.includes(JobAliases[alias]));
  return JSON.stringify({
    error: `${problem}; usage: npm run job -- <name> | --list | --pause <name> | --resume <name>`,
    valid_names: [...jobNames, ...aliases],
  });
}

/** `pausado_por` of a pause from a shell: who ran it, as the admin API records `admin:<operator>`. */
function pausedBy(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function skippedMessage(jobName: string, reason: string | null): string {
  if (reason?.startsWith(LOCK_UNAVAILABLE_PREFIX))
    return `not run: the lock store (Redis, or PostgreSQL's job_locks without REDIS_URL) did not answer, so the run could not be made exclusive (${reason})`;
  return `not run: another replica is running ${jobName} and did not finish within ${LOCK_WAIT_MS / 1000} s`;
}

/** A mistyped name is echoed back, but a pasted blob is not: the message stays one readable line. */
function shorten(argument: string, max = 64): string {
  return argument.length > max ? `${argument.slice(0, max)}…` : argument;
}
