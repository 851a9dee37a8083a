import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { GruposService } from './grupos.service';

/** Entry point of `grupos_worker`; the scheduler's runner is its only caller. */
@Injectable()
export class GruposWorker {
  constructor(private readonly grupos: GruposService) {}

  @Cron('*/10 * * * *', { name: JobNames.gruposWorker })
  run(context: JobContext): Promise<JobResult> {
    return this.grupos.run(context);
  }
}
