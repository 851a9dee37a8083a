import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { earlyStopDetails, wrapUpSignal } from '../../scheduler/job-wrap-up';
import { BusinessHoursCalendar } from '../../common/business-hours-calendar';
import { localDate } from '../../common/local-time';
import { HELD_TO_BUSINESS_HOURS_KEY } from '../../queue/outbound-message';
import { localTime } from './local-clock';
import { retomadaMessage } from './retomada-message';
import { PendingMensagem, RetomadaDecision, RetomadaRepository } from './retomada.repository';
import {
  PRIORIDADE_RESPOSTA,
  Resultado,
  RETOMADA_BATCH_SIZE,
  retomadaKey,
  TIPO_RESPOSTA,
} from './retomada.constants';

/**
 * At the opening of business hours, answers every message that arrived while closed, oldest first.
 * A run before the day's opening (BUSINESS_HOURS opening after the 08:00 schedule) enqueues the replies
 * for that opening. After the day's closing (a manual run at night) it does nothing and says so.
 */
@Injectable()
export class RetomadaService {
  constructor(
    private readonly repository: RetomadaRepository,
    private readonly calendar: BusinessHoursCalendar,
    private readonly config: AppConfig,
  ) {}

  async run(context: JobContext): Promise<JobResult> {
    const now = context.clock.now();
    const timeZone = this.config.SCHEDULER_TIMEZONE;
    const sendAt = this.replyTime(now);
    if (sendAt === null) {
      context.logger.info('outside business hours: nothing resumed');
      return { itemsProcessed: 0, details: { skipped: 'outside business hours' } };
    }
    const deferred = sendAt.getTime() > now.getTime();
    if (deferred) {
      context.logger.info('before business hours: replies scheduled for the opening', {
        opensAt: sendAt.toISOString(),
      });
    }
    const localSendTime = localTime(sendAt, timeZone);
    const decide = (mensagem: PendingMensagem): RetomadaDecision => {
      if (mensagem.telefone === null) return { resultado: Resultado.semTelefone, reply: null };
      if (mensagem.optedOut) return { resultado: Resultado.optedOut, reply: null };
      return {
        resultado: Resultado.enfileirada,
        reply: {
          leadId: mensagem.leadId,
          conteudo: retomadaMessage(
            mensagem.nome,
            mensagem.mensagem,
            localSendTime,
            localTime(mensagem.recebidaEm, timeZone),
          ),
          tipo: TIPO_RESPOSTA,
          prioridade: PRIORIDADE_RESPOSTA,
          agendarPara: deferred ? sendAt : undefined,
          // not a live conversation: a backlog the per-number caps push past closing time waits for the
          // next opening instead of going out at night, and goes paced, not in one burst
          metadata: { mensagem_fora_horario_id: mensagem.id, [HELD_TO_BUSINESS_HOURS_KEY]: true },
          chaveIdempotencia: retomadaKey(mensagem.id),
        },
      };
    };

    const counts: Record<string, number> = {};
    let processed = 0;
    const wrapUp = wrapUpSignal(context);
    while (!wrapUp.aborted) {
      const batch = await this.repository.processBatch(RETOMADA_BATCH_SIZE, now, decide);
      processed += batch.claimed;
      for (const resultado of batch.resultados) counts[resultado] = (counts[resultado] ?? 0) + 1;
      if (batch.claimed < RETOMADA_BATCH_SIZE) break;
    }
    const details = {
      processed,
      enqueued: counts[Resultado.enfileirada] ?? 0,
      withoutPhone: counts[Resultado.semTelefone] ?? 0,
      optedOut: counts[Resultado.optedOut] ?? 0,
      ...(deferred ? { scheduledFor: sendAt.toISOString() } : {}),
      ...earlyStopDetails(context),
    };
    context.logger.info('out-of-hours messages resumed', details);
    return { itemsProcessed: processed, details };
  }

  /** `now` while open; today's opening when the run comes before it; null after the day's closing. */
  private replyTime(now: Date): Date | null {
    const opening = this.calendar.nextOpening(now);
    const timeZone = this.config.SCHEDULER_TIMEZONE;
    return localDate(opening, timeZone) === localDate(now, timeZone) ? opening : null;
  }
}
