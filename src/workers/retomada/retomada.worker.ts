import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { RetomadaService } from './retomada.service';

/** Entry point of `retomada_fora_horario`; the scheduler's runner is its only caller. */
@Injectable()
export class RetomadaWorker {
  constructor(private readonly retomada: RetomadaService) {}

  @Cron('0 8 * * 1-5', { name: JobNames.retomadaForaHorario })
  run(context: JobContext): Promise<JobResult> {
    return this.retomada.run(context);
  }
}
