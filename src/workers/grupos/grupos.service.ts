import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { driverMessage } from '../../database/driver-message';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { earlyStopDetails, wrapUpSignal } from '../../scheduler/job-wrap-up';
import { forEachWithConcurrency } from './concurrency';
import { GruposPipelineService } from './grupos-pipeline.service';
import {
  EstagioAtivo,
  ESTAGIOS_ATIVOS,
  GRUPOS_BATCH_SIZE,
  GRUPOS_MAX_BATCHES_PER_RUN,
  GRUPOS_STAGE_CONCURRENCY,
  MAX_TENTATIVAS,
  RETRY_DELAYS_MS,
} from './grupos.constants';
import { CLAIM_LOST, GruposRepository } from './grupos.repository';
import type { ClaimedMessage, StageOutcome } from './grupos.types';

/** Lease on claimed messages beyond JOB_TIMEOUT: a run that dies gives them back after this. */
const LEASE_MARGIN_MS = 60_000;

interface RunCounts {
  claimed: number;
  /** messages worked on in each stage */
  stages: Record<EstagioAtivo, number>;
  finalizado: number;
  descartado: number;
  erro: number;
  retry: number;
  importados: number;
  duplicados: number;
  lost: number;
  batches: number;
}

/**
 * grupos_worker: claims batches of group messages and takes each one as far as it can go through
 * classificação → extração → normalização → deduplicação → importação, persisting every stage, so a failure
 * or a stop resumes where it was. A failed stage is retried after 1, 5 and 15 min, then the message is in
 * `erro` with the reason. Each stage works on at most its concurrency budget of messages at once.
 */
@Injectable()
export class GruposService {
  constructor(
    private readonly repository: GruposRepository,
    private readonly pipeline: GruposPipelineService,
    private readonly config: AppConfig,
    @Inject(GRUPOS_STAGE_CONCURRENCY) private readonly budgets: Readonly<Record<EstagioAtivo, number>>,
  ) {}

  async run(context: JobContext): Promise<JobResult> {
    const wrapUp = wrapUpSignal(context);
    const token = `${context.executionId}:${randomUUID()}`;
    const counts: RunCounts = {
      claimed: 0,
      stages: { classificacao: 0, extracao: 0, normalizacao: 0, deduplicacao: 0, importacao: 0 },
      finalizado: 0,
      descartado: 0,
      erro: 0,
      retry: 0,
      importados: 0,
      duplicados: 0,
      lost: 0,
      batches: 0,
    };

    while (!wrapUp.aborted && counts.batches < GRUPOS_MAX_BATCHES_PER_RUN) {
      const now = context.clock.now();
      const leaseUntil = new Date(now.getTime() + this.config.jobTimeoutMs + LEASE_MARGIN_MS);
      const batch = await this.repository.claim(now, leaseUntil, token, GRUPOS_BATCH_SIZE);
      if (batch.length === 0) break;
      counts.batches += 1;
      counts.claimed += batch.length;
      await this.processBatch(batch, token, context, wrapUp, counts);
      if (batch.length < GRUPOS_BATCH_SIZE) break;
    }

    const stopped = earlyStopDetails(context);
    const done = counts.finalizado + counts.descartado + counts.erro;
    context.logger.info(wrapUp.aborted ? 'grupos pipeline stopped early' : 'grupos pipeline finished', {
      ...counts,
      ...stopped,
    });
    return { itemsProcessed: done, details: { ...counts, ...stopped } };
  }

  private async processBatch(
    batch: ClaimedMessage[],
    token: string,
    context: JobContext,
    wrapUp: AbortSignal,
    counts: RunCounts,
  ) {
    const active = new Set(batch);
    for (const stage of ESTAGIOS_ATIVOS) {
      if (wrapUp.aborted) break;
      const here = batch.filter((message) => active.has(message) && message.estagio === stage);
      await forEachWithConcurrency(here, this.budgets[stage], async (message) => {
        if (wrapUp.aborted) return;
        counts.stages[stage] += 1;
        const outcome = await this.runStage(stage, message, context);
        // a call cut short by shutdown or JOB_TIMEOUT is not the message's fault: it is given back, not retried
        if (outcome.kind === 'fail' && context.signal.aborted) return;
        const stillMine = await this.record(outcome, message, token, context, counts);
        if (!stillMine) counts.lost += 1;
        if (!stillMine || outcome.kind !== 'advance') active.delete(message);
      });
    }
    // stopped between stages: the messages go back, due at once, in the stage they reached
    for (const message of active) await this.repository.release(message.id, token);
  }

  private async runStage(
    stage: EstagioAtivo,
    message: ClaimedMessage,
    context: JobContext,
  ): Promise<StageOutcome> {
    try {
      return await this.pipeline.run(stage, message, context.signal);
    } catch (error) {
      return { kind: 'fail', motivo: `${stage}: ${failureReason(error)}` };
    }
  }

  /** Persists a stage's outcome; false when the claim was lost (nothing written). */
  private async record(
    outcome: StageOutcome,
    message: ClaimedMessage,
    token: string,
    context: JobContext,
    counts: RunCounts,
  ): Promise<boolean> {
    try {
      switch (outcome.kind) {
        case 'advance': {
          const saved = await this.repository.advance(message.id, token, outcome.next, outcome.resultado);
          message.estagio = outcome.next;
          message.resultado = outcome.resultado;
          return saved;
        }
        case 'final': {
          const saved = await this.repository.finish(message.id, token, outcome.estagio, outcome.resultado);
          if (saved) counts[outcome.estagio] += 1;
          context.logger.debug('group message discarded', {
            mensagem_id: message.id,
            motivo: outcome.resultado.motivo,
          });
          return saved;
        }
        case 'import': {
          const imported = await this.repository.importShifts(
            message.id,
            token,
            outcome.shifts,
            ({ vagaIds }) => ({
              ...outcome.resultado,
              importacao: {
                vagaIds,
                importados: vagaIds.length,
                duplicados:
                  (outcome.resultado.deduplicacao?.jaExistentes ?? 0) +
                  outcome.shifts.length -
                  vagaIds.length,
              },
            }),
          );
          if (imported === CLAIM_LOST) return false;
          counts.finalizado += 1;
          counts.importados += imported.vagaIds.length;
          counts.duplicados +=
            (outcome.resultado.deduplicacao?.jaExistentes ?? 0) +
            outcome.shifts.length -
            imported.vagaIds.length;
          return true;
        }
        case 'fail':
          return await this.recordFailure(message, token, outcome.motivo, context, counts);
      }
    } catch (error) {
      return this.recordFailure(
        message,
        token,
        `${message.estagio}: ${failureReason(error)}`,
        context,
        counts,
      );
    }
  }

  private async recordFailure(
    message: ClaimedMessage,
    token: string,
    motivo: string,
    context: JobContext,
    counts: RunCounts,
  ): Promise<boolean> {
    const exhausted = message.tentativas >= MAX_TENTATIVAS;
    const retryAt = exhausted
      ? null
      : new Date(context.clock.now().getTime() + RETRY_DELAYS_MS[message.tentativas]);
    const saved = await this.repository.fail(message.id, token, motivo, retryAt);
    if (saved) {
      if (exhausted) counts.erro += 1;
      else counts.retry += 1;
      context.logger.warn(
        exhausted ? 'group message failed for good' : 'group message stage failed, will retry',
        {
          mensagem_id: message.id,
          estagio: message.estagio,
          tentativas: exhausted ? message.tentativas : message.tentativas + 1,
          motivo,
          ...(retryAt ? { retry_at: retryAt.toISOString() } : {}),
        },
      );
    }
    return saved;
  }
}

// Prisma's message starts with a line naming the call ("Invalid `prisma.$queryRaw()` invocation:") and
// ends with the database's reason, which is what the message's `erro` must say
const failureReason = (error: unknown) => driverMessage(error, 500);
