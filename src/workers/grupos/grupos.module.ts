import { Module } from '@nestjs/common';
import { ClassifierProviderClient } from './classifier-provider.client';
import { GruposPipelineService } from './grupos-pipeline.service';
import {
  CLASSIFIER_TIMEOUT,
  CLASSIFIER_TIMEOUT_MS,
  GRUPOS_STAGE_CONCURRENCY,
  STAGE_CONCURRENCY,
} from './grupos.constants';
import { GruposRepository } from './grupos.repository';
import { GruposService } from './grupos.service';
import { GruposWorker } from './grupos.worker';

@Module({
  providers: [
    GruposWorker,
    GruposService,
    GruposPipelineService,
    GruposRepository,
    ClassifierProviderClient,
    { provide: GRUPOS_STAGE_CONCURRENCY, useValue: STAGE_CONCURRENCY },
    { provide: CLASSIFIER_TIMEOUT, useValue: CLASSIFIER_TIMEOUT_MS },
  ],
})
export class GruposModule {}
