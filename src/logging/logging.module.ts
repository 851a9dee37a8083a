import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { buildPinoOptions } from './pino-options';

/**
 * JSON logs on stdout through pino (CONTRACT §8). Registered once, in the root module: nestjs-pino's
 * LoggerModule is global, so `Logger` and `PinoLogger` are injectable everywhere, and a second import
 * would mount the HTTP middleware twice.
 *
 * Nest's own logger goes through pino when main.ts / job.ts create the app with `bufferLogs: true` and call
 * `app.useLogger(app.get(Logger))` (Logger from 'nestjs-pino'); `new Logger(context)` from @nestjs/common
 * then writes `{"level":"INFO","context":"<context>","msg":...}`.
 */
@Module({})
export class LoggingModule {
  /** `destination` defaults to stdout; tests pass a stream to read the lines back. */
  static forRoot(config: AppConfig, options: { destination?: DestinationStream } = {}): DynamicModule {
    const pinoOptions = buildPinoOptions(config);
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: options.destination ? [pinoOptions, options.destination] : pinoOptions,
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
