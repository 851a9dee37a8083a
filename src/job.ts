import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configOrExit } from './bootstrap-config';
import { failureText } from './common/operator-error';
import { ExitCode, JobCommand, usageError } from './scheduler/job-command';
import { JobRunner } from './scheduler/job-runner';
import { JobAliases, JobNames } from './scheduler/job-names';

/** `npm run job -- <name>`: one job, once, through the same runner; no HTTP, no clock. Exit 0/1/2. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // a mistyped name is answered from the names alone, before the configuration or the database is needed
  const jobNames: readonly string[] = Object.values(JobNames);
  const usage = usageError(args, jobNames, (name) => jobNames.includes(JobAliases[name] ?? name));
  if (usage !== null) {
    process.stdout.write(`${usage}\n`);
    process.exit(ExitCode.usage);
  }
  const config = configOrExit();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, { http: false, logTo: 'stderr' }),
    { bufferLogs: true, abortOnError: false, autoFlushLogs: false },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  interruptWithGrace(app.get(JobRunner), app.get(Logger), config.shutdownGraceMs);
  let code: number;
  try {
    code = await app.get(JobCommand).execute(args, (line) => process.stdout.write(`${line}\n`));
  } finally {
    await app.close();
  }
  process.exit(code);
}

/**
 * Ctrl-C or SIGTERM (a one-off container stopped) ends the run as the service's shutdown does: it is told to
 * wrap up (the wave in flight finishes and is recorded, the rest goes back to pendente), aborted after the
 * grace period or at a second signal, and its outcome is still printed and recorded.
 */
function interruptWithGrace(runner: JobRunner, logger: Logger, graceMs: number): void {
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) {
      logger.warn({ msg: 'interrupted again: aborting the run', signal }, 'job');
      runner.abortAll();
      return;
    }
    interrupted = true;
    logger.warn({ msg: 'interrupted: the run wraps up', signal, grace_ms: graceMs }, 'job');
    runner.requestStop();
    setTimeout(() => runner.abortAll(), graceMs).unref();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
}

main().catch((error: unknown) => {
  process.stderr.write(`${failureText(error)}\n`);
  process.exit(1);
});
