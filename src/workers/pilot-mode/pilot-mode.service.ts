import { Injectable } from '@nestjs/common';
import { SlackNotifier } from '../../notifications/slack.notifier';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { FeatureFlagsService } from './feature-flags.service';
import { judgePilot } from './pilot-metrics';
import { PILOT_WINDOW_MS } from './pilot-mode.constants';
import { PilotModeRepository } from './pilot-mode.repository';
import { tripAlertText } from './pilot-trip-alert';

/**
 * Every 15 min: measures the pilot group over the last 24 h, stores a snapshot and, when the trip rule
 * fires, turns the autonomous features off with the reason and alerts Slack (once: only the run whose
 * update changed the flags writes an alert, on its snapshot; later runs post it again until Slack took it).
 */
@Injectable()
export class PilotModeService {
  constructor(
    private readonly repository: PilotModeRepository,
    private readonly flags: FeatureFlagsService,
    private readonly slack: SlackNotifier,
  ) {}

  async run(context: JobContext): Promise<JobResult> {
    const to = context.clock.now();
    const from = new Date(to.getTime() - PILOT_WINDOW_MS);
    const counts = await this.repository.measure(from, to);
    const verdict = judgePilot(counts);
    // The trip and the snapshot carrying its alert commit together: a run that died between them would
    // leave the features off with no alert, since a later run finds nothing left to switch.
    const switched = await this.repository.inTransaction(async (tx) => {
      const changed =
        verdict.tripReason === null ? [] : await this.flags.tripAutonomousFeatures(verdict.tripReason, tx);
      const tripAlert =
        changed.length > 0 && verdict.tripReason !== null ? tripAlertText(changed, verdict.tripReason) : null;
      await this.repository.saveSnapshot(from, to, counts, verdict, tripAlert, tx);
      return changed;
    });
    const tripped = switched.length > 0;
    if (tripped) {
      context.logger.warn('pilot group went bad: autonomous features turned off', {
        reason: verdict.tripReason,
      });
    }
    const alert = await this.postTripAlerts(to);
    const details = {
      ...counts,
      messages: verdict.messages,
      optOutRate: Number(verdict.optOutRate.toFixed(4)),
      errorRate: Number(verdict.errorRate.toFixed(4)),
      tripReason: verdict.tripReason,
      tripped,
      switched,
      alert,
      pilotMode: await this.flags.isPilotMode(),
    };
    context.logger.info('pilot group measured', details);
    return { itemsProcessed: 1, details };
  }

  /** Posts this run's trip alert and any earlier one Slack did not take; the outcome of the last post. */
  private async postTripAlerts(now: Date): Promise<string> {
    let outcome = 'none';
    for (const { id, alerta } of await this.repository.reserveUndeliveredTripAlerts(now)) {
      // notify, not alert: the flags' update already lets one run per trip through, and an alert's cooldown
      // would silence a second trip soon after an operator turned the features back on
      const result = await this.slack.notify({ text: alerta });
      // without SLACK_WEBHOOK_URL the notifier logged it: that is the alert, not one to repeat
      if (result.delivered || result.reason === 'not_configured')
        await this.repository.markTripAlertDelivered(id, now);
      outcome = result.delivered ? 'posted' : result.reason;
    }
    return outcome;
  }
}
