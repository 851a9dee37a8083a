import { Injectable } from '@nestjs/common';
import { SlackNotifier } from '../notifications/slack.notifier';
import type { JobContext, JobResult } from '../scheduler/job.types';
import { AlertRules } from './alert-rules';
import { AlertState } from './alert-state';

/**
 * One check: each firing kind is alerted (a WARN line of the check_alerts run, and Slack) at most once per
 * cooldown across replicas; a kind that was alerted and is no longer firing gets one "resolved" message.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly rules: AlertRules,
    private readonly state: AlertState,
    private readonly slack: SlackNotifier,
  ) {}

  async check(context: JobContext): Promise<JobResult> {
    const firing: string[] = [];
    const alerted: string[] = [];
    const resolved: string[] = [];
    for (const reading of await this.rules.evaluate()) {
      if (context.signal.aborted) break;
      if (reading.firing) {
        firing.push(reading.kind);
        const result = await this.slack.alert(reading.kind, reading.text);
        if (!result.delivered && result.reason === 'cooldown') continue;
        context.logger.warn('alert', { kind: reading.kind, text: reading.text });
        alerted.push(reading.kind);
        await this.state.markActive(reading.kind);
      } else if (await this.state.clear(reading.kind)) {
        const result = await this.slack.notify({ text: `:white_check_mark: resolved: ${reading.text}` });
        // a "resolved" Slack never took leaves the channel on the warning: the next check posts it again
        if (!result.delivered && result.reason === 'failed') {
          await this.state.markActive(reading.kind);
          continue;
        }
        resolved.push(reading.kind);
        context.logger.info('alert resolved', { kind: reading.kind, text: reading.text });
      }
    }
    return { itemsProcessed: alerted.length + resolved.length, details: { firing, alerted, resolved } };
  }
}
