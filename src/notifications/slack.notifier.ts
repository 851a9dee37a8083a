import { Injectable, Logger } from '@nestjs/common';
import { maskPhonesDeep } from '../logging/phone-mask';
import { AlertCooldown } from './alert-cooldown';
import { SlackClient } from './slack.client';
import { escapeSlackText } from './slack-text';
import type { SlackMessage, SlackPostResult } from './slack-message';
import { ALERT_COOLDOWN_MS } from './slack.constants';

export type AlertResult = SlackPostResult | { delivered: false; reason: 'cooldown' };

/**
 * What the rest of the service calls to tell operators something: `notify` always posts (reports, handoff
 * news); `alert` posts a kind at most once per cooldown across replicas. Without Slack both are logged.
 */
@Injectable()
export class SlackNotifier {
  private readonly logger = new Logger('notifications');

  constructor(
    private readonly slack: SlackClient,
    private readonly cooldown: AlertCooldown,
  ) {}

  async notify(unmasked: SlackMessage): Promise<SlackPostResult> {
    // a Slack channel is read by more people than the logs: a number that reached a text (a lead named
    // after its WhatsApp number, a driver error quoted in an alert) keeps only its last 4 digits there too
    const message = maskPhonesDeep(unmasked);
    const result = await this.slack.post({ ...message, text: escapeSlackText(message.text) });
    if (result.delivered) return result;
    if (result.reason === 'not_configured')
      this.logger.log({ msg: 'slack not configured', text: message.text });
    else this.logger.error({ msg: 'slack post failed', error: result.error, attempts: result.attempts });
    return result;
  }

  /** The caller logs the alert (WARN) unless the answer is `cooldown`: its lines carry its job's name. */
  async alert(kind: string, text: string, cooldownMs = ALERT_COOLDOWN_MS): Promise<AlertResult> {
    if (!(await this.cooldown.tryAcquire(kind, cooldownMs))) return { delivered: false, reason: 'cooldown' };
    const result = await this.notify({ text: `:warning: ${text}` });
    // the cooldown keeps repeats out of Slack, not deliveries: an alert that never got there is tried again
    if (!result.delivered && result.reason === 'failed') await this.cooldown.giveBack(kind);
    return result;
  }
}
