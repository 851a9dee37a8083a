import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configOrExit } from './bootstrap-config';
import { JobCommand } from './scheduler/job-command';

/** `npm run job -- <name>`: one job, once, through the same runner; no HTTP, no clock. Exit 0/1/2. */
async function main(): Promise<void> {
  const config = configOrExit();
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, { http: false, logTo: 'stderr' }),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  let code: number;
  try {
    code = await app
      .get(JobCommand)
      .execute(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`));
  } finally {
    await app.close();
  }
  process.exit(code);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
