import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { TemperatureDecayService } from './temperature-decay.service';

/** Entry point of `temperature_decay`; the scheduler's runner is its only caller. */
@Injectable()
export class TemperatureDecayWorker {
  constructor(private readonly decay: TemperatureDecayService) {}

  @Cron('0 * * * *', { name: JobNames.temperatureDecay })
  run(context: JobContext): Promise<JobResult> {
    return this.decay.run(context);
  }
}
