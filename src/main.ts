import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { configureHttpApp } from './admin/configure-http-app';
import { AppModule } from './app.module';
import { configOrExit } from './bootstrap-config';
import { listenError } from './common/listen-error';
import { failureText } from './common/operator-error';
import { reportStartUpFailure } from './logging/start-up-failure';
import { JobScheduler } from './scheduler/job-scheduler';

async function bootstrap(): Promise<void> {
  const config = configOrExit({ jsonLog: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    // a failed start-up reaches the catch below and is printed once, by failureText; Nest would
    // otherwise print its stack and its buffered lines in its own (non-JSON) format
    abortOnError: false,
    autoFlushLogs: false,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  configureHttpApp(app);
  const logger = app.get(Logger);
  try {
    await app.listen(config.PORT, '0.0.0.0');
  } catch (error) {
    // nothing runs yet, but the database (the embedded one's lock file) and Redis are open: close them
    await app.close().catch(() => undefined);
    throw listenError(error, config.PORT);
  }
  logger.log({ msg: 'http listening', port: config.PORT }, 'main');

  // Nest's enableShutdownHooks re-raises the signal after closing (exit 143); SPEC wants exit 0
  // once running jobs have drained, so the signals are handled here. The handlers stay registered: a
  // repeated signal (a supervisor resending it, Ctrl-C through npm) must not take Node's default action
  // and kill the drain.
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.log({ msg: 'already shutting down: signal ignored', signal }, 'main');
      return;
    }
    closing = true;
    logger.log({ msg: 'shutting down', signal }, 'main');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ msg: 'shutdown failed', error: String(error) }, 'main');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // after the handlers: start() arms the clock and begins catch-up runs before it returns, and a signal in
  // between must drain them too (JobScheduler stops starting once shutdown has begun)
  await app.get(JobScheduler).start();
}

bootstrap().catch((error: unknown) => {
  reportStartUpFailure(failureText(error), { label: 'start-up failed' });
  process.exit(1);
});
