import { ArgumentsHost, Catch, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { isDatabaseUnavailable } from '../database/database-unavailable';

/**
 * A request that meets the database down (a restart, a failover, refused connections) is a 503 that says
 * so, as /health/workers does, not an opaque 500: the operator learns to wait, not to file a bug. Every
 * other error goes to Nest's own handling.
 */
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    super.catch(
      isDatabaseUnavailable(exception)
        ? new ServiceUnavailableException(
            'the database is unreachable (connection refused or lost); try again',
          )
        : exception,
      host,
    );
  }
}
