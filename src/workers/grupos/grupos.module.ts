import { Module } from '@nestjs/common';
import { ClassifierProviderClient } from './classifier-provider.client';
import { GruposPipelineService } from './grupos-pipeline.service';
import { GRUPOS_STAGE_CONCURRENCY, STAGE_CONCURRENCY } from './grupos.constants';
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
  ],
})
export class GruposModule {}
