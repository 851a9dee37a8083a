import type { LoggerService } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { configureHttpApp } from '../../src/admin/configure-http-app';
import { AppModule } from '../../src/app.module';
import { Clock } from '../../src/common/clock';
import type { AppConfig } from '../../src/config/app-config';

export interface LoggedLine {
  level: string;
  message: unknown;
  context?: string;
}

/** Keeps what the app logs, so a test can assert on WARN lines without reading stdout. */
export class CapturingLogger implements LoggerService {
  readonly lines: LoggedLine[] = [];
  log(message: unknown, context?: string) {
    this.lines.push({ level: 'INFO', message, context });
  }
  warn(message: unknown, context?: string) {
    this.lines.push({ level: 'WARN', message, context });
  }
  error(message: unknown, context?: string) {
    this.lines.push({ level: 'ERROR', message, context });
  }
  debug() {}
  verbose() {}
}

/**
 * The whole service as main.ts builds it (AppModule with HTTP, helmet, body limit, OpenAPI), in this
 * process; the scheduler is not started, so only what the test triggers runs.
 */
export async function createHttpApp(
  config: AppConfig,
  options: { clock?: Clock; logger?: LoggerService } = {},
): Promise<NestExpressApplication> {
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  if (options.clock) builder = builder.overrideProvider(Clock).useValue(options.clock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: options.logger ?? false,
  });
  configureHttpApp(app);
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
