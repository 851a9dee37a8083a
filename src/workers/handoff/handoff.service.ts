import { Injectable } from '@nestjs/common';
import { internationalPhoneDigits } from '../../common/phone-number';
import { driverMessage } from '../../database/driver-message';
import { isLockTimeout } from '../../database/lock-timeout';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { earlyStopDetails, wrapUpSignal } from '../../scheduler/job-wrap-up';
import { SlackNotifier } from '../../notifications/slack.notifier';
import { FeatureFlagsService } from '../pilot-mode/feature-flags.service';
import { FeatureNames } from '../pilot-mode/feature-flags.constants';
import { expiredMessage, expiryAnnouncement, followupMessage } from './handoff-messages';
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

/** Handoffs named in a run's details (bad phones, failures); the counts have them all. */
const MAX_LISTED_HANDOFFS = 20;

interface Followups {
  sent: number;
  /** ids of the handoffs due for a follow-up whose poster's phone is unusable */
  badPhone: string[];
}

const NO_FOLLOWUPS: Followups = { sent: 0, badPhone: [] };

/** One handoff's step, isolated from the others: its result, or null when it failed (logged and listed). */
type Attempt = <T>(
  handoffId: string,
  step: 'expire' | 'followup',
  work: () => Promise<T>,
) => Promise<T | null>;

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
    const failed: string[] = [];
    const attempt = this.attempt(context, failed);
    const expired = await this.expire(now, wrapUp, attempt);
    const slack = await this.announce(now);

    const paused = !(await this.flags.isEnabled(FeatureNames.externalHandoff));
    const followups = paused ? NO_FOLLOWUPS : await this.followUp(now, wrapUp, attempt);

    const details = {
      expired: expired.length,
      shiftsReopened: expired.filter((closed) => closed.vagaStatus === 'aberta').length,
      followupsSent: followups.sent,
      followupsPaused: paused,
      followupsBadPhone: followups.badPhone.length,
      badPhoneHandoffs: followups.badPhone.slice(0, MAX_LISTED_HANDOFFS),
      failed: failed.length,
      failedHandoffs: failed.slice(0, MAX_LISTED_HANDOFFS),
      slack,
      ...earlyStopDetails(context),
    };
    context.logger.info('handoffs processed', details);
    return { itemsProcessed: expired.length + followups.sent, details };
  }

  /**
   * Runs one handoff's step; a failure (usually a row lock held elsewhere past HANDOFF_LOCK_TIMEOUT_MS) is
   * logged and listed, and the run goes on with the other handoffs: the next run tries this one again.
   */
  private attempt(context: JobContext, failed: string[]): Attempt {
    return async (handoffId, step, work) => {
      try {
        return await work();
      } catch (error) {
        failed.push(handoffId);
        // a row held elsewhere is expected now and then; anything else is a fault to look into
        const level = isLockTimeout(error) ? 'warn' : 'error';
        context.logger[level]('handoff not processed; the next run tries again', {
          handoff_id: handoffId,
          step,
          error: driverMessage(error),
        });
        return null;
      }
    };
  }

  private async expire(now: Date, signal: AbortSignal, attempt: Attempt): Promise<ClosedHandoff[]> {
    const closed: ClosedHandoff[] = [];
    let afterId = FIRST_ID;
    while (!signal.aborted) {
      const batch = await this.repository.findExpired(now, HANDOFF_BATCH_SIZE, afterId);
      for (const shift of batch) {
        if (signal.aborted) break;
        const result = await attempt(shift.handoffId, 'expire', () =>
          this.repository.closeHandoff(shift, HandoffStatus.expired, now, null, {
            leadId: shift.leadId,
            conteudo: expiredMessage(shift),
            tipo: TIPO_DOCTOR_NOTICE,
            prioridade: PRIORIDADE_DOCTOR_NOTICE,
            metadata: { handoff_id: shift.handoffId, motivo: HandoffStatus.expired },
            chaveIdempotencia: doctorNoticeKey(shift.handoffId, HandoffStatus.expired),
          }),
        );
        if (result !== null) closed.push(result);
      }
      if (batch.length < HANDOFF_BATCH_SIZE) break;
      afterId = batch[batch.length - 1].handoffId;
    }
    return closed;
  }

  /**
   * A poster whose phone is missing or cannot be made into an international number (see
   * internationalPhoneDigits) is not written to: a guess could reach a stranger. The handoff is listed in
   * the run's details each run until its phone is fixed or it expires.
   */
  private async followUp(now: Date, signal: AbortSignal, attempt: Attempt): Promise<Followups> {
    const followups: Followups = { sent: 0, badPhone: [] };
    let afterId = FIRST_ID;
    while (!signal.aborted) {
      const batch = await this.repository.findDueFollowups(now, HANDOFF_BATCH_SIZE, afterId);
      for (const shift of batch) {
        if (signal.aborted) break;
        const posterPhone = internationalPhoneDigits(shift.divulgadorTelefone);
        if (posterPhone === null) {
          followups.badPhone.push(shift.handoffId);
          continue;
        }
        const number = shift.followupCount + 1;
        const recorded = await attempt(shift.handoffId, 'followup', () =>
          this.repository.recordFollowup(shift, posterPhone, number, now, {
            conteudo: followupMessage(shift, number),
            tipo: TIPO_FOLLOWUP,
            prioridade: PRIORIDADE_FOLLOWUP,
            metadata: { handoff_id: shift.handoffId, followup: number },
            chaveIdempotencia: followupKey(shift.handoffId, number),
          }),
        );
        if (recorded) followups.sent += 1;
      }
      if (batch.length < HANDOFF_BATCH_SIZE) break;
      afterId = batch[batch.length - 1].handoffId;
    }
    return followups;
  }

  private async announce(now: Date): Promise<string> {
    const expired = await this.repository.reserveUnannouncedExpiries(now);
    if (expired.length === 0) return 'nothing to announce';
    const result = await this.slack.notify({ text: expiryAnnouncement(expired) });
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
