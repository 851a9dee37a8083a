import type { JobSchedule } from './job-schedule';
import type { JobHandler } from './job.types';

export interface JobDefinition {
  readonly name: string;
  readonly schedule: JobSchedule;
  readonly handler: JobHandler;
  /** where it was declared, e.g. `TemperatureDecayWorker.run`, for error messages */
  readonly source: string;
}
