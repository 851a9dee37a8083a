import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { IntervalFromConfig } from '../../scheduler/schedule-from-config.decorator';
import { FilaService } from './fila.service';

/** fila_worker: sends due `fila_mensagens` rows every QUEUE_POLL_INTERVAL seconds. */
@Injectable()
export class FilaWorker {
  constructor(private readonly fila: FilaService) {}

  @Interval(JobNames.processQueue, 30_000)
  @IntervalFromConfig((config) => config.QUEUE_POLL_INTERVAL * 1000)
  run(context: JobContext): Promise<JobResult> {
    return this.fila.processQueue(context);
  }
}
