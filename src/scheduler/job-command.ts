import { Injectable } from '@nestjs/common';
import { JobControlService } from './job-control.service';
import { JobRegistry } from './job-registry';

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
    if (args.length !== 1 || args[0].startsWith('-') || !this.registry.has(args[0])) {
      const problem =
        args.length === 0
          ? 'missing job name'
          : args.length > 1
            ? `expected one job name, got ${args.length} arguments`
            : `unknown job "${shorten(args[0])}"`;
      print(
        JSON.stringify({
          error: `${problem}; usage: npm run job -- <name> | --list`,
          valid_names: this.registry.names(),
        }),
      );
      return ExitCode.usage;
    }
    const outcome = await this.control.runNow(args[0], { trigger: 'cli', waitForLockMs: LOCK_WAIT_MS });
    const message =
      outcome.status === 'skipped'
        ? `not run: another replica is running ${outcome.jobName} and did not finish within ${LOCK_WAIT_MS / 1000} s`
        : undefined;
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

/** A mistyped name is echoed back, but a pasted blob is not: the message stays one readable line. */
function shorten(argument: string, max = 64): string {
  return argument.length > max ? `${argument.slice(0, max)}…` : argument;
}
