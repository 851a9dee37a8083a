import { Logger } from '@nestjs/common';

/** A logger whose every line carries `job` and `execution_id`, so one run can be followed with grep. */
export class JobLogger {
  private readonly logger: Logger;

  constructor(
    readonly jobName: string,
    readonly executionId: string,
    context = jobName,
  ) {
    this.logger = new Logger(context);
  }

  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.logger.log(this.line(msg, fields));
  }

  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.logger.warn(this.line(msg, fields));
  }

  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.logger.error(this.line(msg, fields));
  }

  debug(msg: string, fields: Record<string, unknown> = {}): void {
    this.logger.debug(this.line(msg, fields));
  }

  private line(msg: string, fields: Record<string, unknown>) {
    return { msg, job: this.jobName, execution_id: this.executionId, ...fields };
  }
}
