import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { isLockTimeout } from '../../database/lock-timeout';
import { notConfirmedMessage } from './handoff-messages';
import {
  doctorNoticeKey,
  HandoffStatus,
  OPEN_STATUSES,
  PRIORIDADE_DOCTOR_NOTICE,
  TIPO_DOCTOR_NOTICE,
} from './handoff.constants';
import { HandoffRepository } from './handoff.repository';

export type PosterAnswer = typeof HandoffStatus.confirmed | typeof HandoffStatus.notConfirmed;

export type AnswerOutcome =
  | { outcome: 'recorded'; status: PosterAnswer; vagaStatus: string | null }
  | { outcome: 'not_found' }
  | { outcome: 'already_closed'; status: string }
  /** the handoff, its shift or a lead it writes was held by another session: nothing was written */
  | { outcome: 'busy' };

/**
 * Records the poster's answer (the admin API calls this): `confirmed` confirms the reserved shift,
 * `not_confirmed` reopens it (unless re-assigned) and tells the doctor through the queue.
 */
@Injectable()
export class HandoffAnswerService {
  constructor(
    private readonly repository: HandoffRepository,
    private readonly clock: Clock,
  ) {}

  async record(handoffId: string, answer: PosterAnswer, answeredBy: string): Promise<AnswerOutcome> {
    const shift = await this.repository.findShift(handoffId);
    if (shift === null) return { outcome: 'not_found' };
    if (!OPEN_STATUSES.includes(shift.status as (typeof OPEN_STATUSES)[number]))
      return { outcome: 'already_closed', status: shift.status };
    const doctorMessage =
      answer === HandoffStatus.notConfirmed
        ? {
            leadId: shift.leadId,
            conteudo: notConfirmedMessage(shift),
            tipo: TIPO_DOCTOR_NOTICE,
            prioridade: PRIORIDADE_DOCTOR_NOTICE,
            metadata: { handoff_id: handoffId, motivo: answer },
            chaveIdempotencia: doctorNoticeKey(handoffId, answer),
          }
        : null;
    let closed;
    try {
      closed = await this.repository.closeHandoff(shift, answer, this.clock.now(), answeredBy, doctorMessage);
    } catch (error) {
      if (isLockTimeout(error)) return { outcome: 'busy' };
      throw error;
    }
    if (closed === null) {
      const now = await this.repository.findShift(handoffId);
      return { outcome: 'already_closed', status: now?.status ?? 'unknown' };
    }
    return { outcome: 'recorded', status: answer, vagaStatus: closed.vagaStatus };
  }
}
