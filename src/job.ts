import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configOrExit } from './bootstrap-config';
import { failureText } from './common/operator-error';
import { ExitCode, JobCommand, usageError } from './scheduler/job-command';
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
  let code: number;
  try {
    code = await app.get(JobCommand).execute(args, (line) => process.stdout.write(`${line}\n`));
  } finally {
    await app.close();
  }
  process.exit(code);
}

main().catch((error: unknown) => {
  process.stderr.write(`${failureText(error)}\n`);
  process.exit(1);
});
