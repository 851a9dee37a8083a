import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

// TODO(logging): nestjs-pino with upper-case levels and phone masking
@Module({})
export class LoggingModule {
  static forRoot(_config: AppConfig): DynamicModule {
    return { module: LoggingModule };
  }
}
