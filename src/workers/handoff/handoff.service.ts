import { Injectable } from '@nestjs/common';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { earlyStopDetails, wrapUpSignal } from '../../scheduler/job-wrap-up';
import { SlackNotifier } from '../../notifications/slack.notifier';
import { FeatureFlagsService } from '../pilot-mode/feature-flags.service';
import { FeatureNames } from '../pilot-mode/feature-flags.constants';
import { describeShift, expiredMessage, followupMessage } from './handoff-messages';
import {
  doctorNoticeKey,
  followupKey,
  HANDOFF_BATCH_SIZE,
  HandoffStatus,
  PRIORIDADE_DOCTOR_NOTICE,
  PRIORIDADE_FOLLOWUP,
  TIPO_DOCTOR_NOTICE,
  TIPO_FOLLOWUP,
} from './handoff.constants';
import { ClosedHandoff, HandoffRepository } from './handoff.repository';

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The handoff lifecycle, every 5 min: expire what passed reserved_until (always) and announce the expiries
 * not yet announced to Slack (this run's, and those whose post failed), then follow up with the posters
 * (only while `external_handoff` is on). At most one follow-up per handoff per run.
 */
@Injectable()
export class HandoffService {
  constructor(
    private readonly repository: HandoffRepository,
    private readonly flags: FeatureFlagsService,
    private readonly slack: SlackNotifier,
  ) {}

  async run(context: JobContext): Promise<JobResult> {
    const now = context.clock.now();
    const wrapUp = wrapUpSignal(context);
    const expired = await this.expire(now, wrapUp);
    const slack = await this.announce(now);

    const paused = !(await this.flags.isEnabled(FeatureNames.externalHandoff));
    const followups = paused ? 0 : await this.followUp(now, wrapUp);

    const details = {
      expired: expired.length,
      shiftsReopened: expired.filter((closed) => closed.vagaStatus === 'aberta').length,
      followupsSent: followups,
      followupsPaused: paused,
      slack,
      ...earlyStopDetails(context),
    };
    context.logger.info('handoffs processed', details);
    return { itemsProcessed: expired.length + followups, details };
  }

  private async expire(now: Date, signal: AbortSignal): Promise<ClosedHandoff[]> {
    const closed: ClosedHandoff[] = [];
    let afterId = FIRST_ID;
    while (!signal.aborted) {
      const batch = await this.repository.findExpired(now, HANDOFF_BATCH_SIZE, afterId);
      for (const shift of batch) {
        if (signal.aborted) break;
        const result = await this.repository.closeHandoff(shift, HandoffStatus.expired, now, null, {
          leadId: shift.leadId,
          conteudo: expiredMessage(shift),
          tipo: TIPO_DOCTOR_NOTICE,
          prioridade: PRIORIDADE_DOCTOR_NOTICE,
          metadata: { handoff_id: shift.handoffId, motivo: HandoffStatus.expired },
          chaveIdempotencia: doctorNoticeKey(shift.handoffId, HandoffStatus.expired),
        });
        if (result !== null) closed.push(result);
      }
      if (batch.length < HANDOFF_BATCH_SIZE) break;
      afterId = batch[batch.length - 1].handoffId;
    }
    return closed;
  }

  private async followUp(now: Date, signal: AbortSignal): Promise<number> {
    let sent = 0;
    let afterId = FIRST_ID;
    while (!signal.aborted) {
      const batch = await this.repository.findDueFollowups(now, HANDOFF_BATCH_SIZE, afterId);
      for (const shift of batch) {
        if (signal.aborted) break;
        const number = shift.followupCount + 1;
        const recorded = await this.repository.recordFollowup(shift, number, now, {
          conteudo: followupMessage(shift, number),
          tipo: TIPO_FOLLOWUP,
          prioridade: PRIORIDADE_FOLLOWUP,
          metadata: { handoff_id: shift.handoffId, followup: number },
          chaveIdempotencia: followupKey(shift.handoffId, number),
        });
        if (recorded) sent += 1;
      }
      if (batch.length < HANDOFF_BATCH_SIZE) break;
      afterId = batch[batch.length - 1].handoffId;
    }
    return sent;
  }

  private async announce(now: Date): Promise<string> {
    const expired = await this.repository.reserveUnannouncedExpiries(now);
    if (expired.length === 0) return 'nothing to announce';
    const lines = expired.map((shift) => {
      const who = shift.medicoNome ?? 'médico sem nome';
      const vaga =
        shift.vagaStatus === 'aberta' ? 'vaga reaberta' : 'vaga mantida (já não estava reservada para ele)';
      return `• ${who} — ${describeShift(shift)}: ${vaga}`;
    });
    const text = `*Handoffs expirados sem confirmação do divulgador (${expired.length})*\n${lines.join('\n')}`;
    const result = await this.slack.notify({ text });
    // without SLACK_WEBHOOK_URL the notifier logged it: that is the announcement, not one to repeat
    if (result.delivered || result.reason === 'not_configured') {
      await this.repository.markAnnounced(
        expired.map((shift) => shift.handoffId),
        now,
      );
    }
    return result.delivered ? 'posted' : result.reason;
  }
}
