import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import type { SlackMessage, SlackPostResult } from './slack-message';
import { SLACK_RETRY_DELAY_MS, SLACK_TIMEOUT_MS } from './slack.constants';

class RetryableSlackError extends Error {}

/** POSTs to the Slack incoming webhook (SLACK_WEBHOOK_URL) with a timeout and one retry. */
@Injectable()
export class SlackClient {
  constructor(private readonly config: AppConfig) {}

  isConfigured(): boolean {
    return this.config.SLACK_WEBHOOK_URL !== undefined;
  }

  async post(message: SlackMessage): Promise<SlackPostResult> {
    const url = this.config.SLACK_WEBHOOK_URL;
    if (url === undefined) return { delivered: false, reason: 'not_configured' };
    let lastError = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await this.send(url, message);
        return { delivered: true, attempts: attempt };
      } catch (error) {
        lastError = (error as Error).message;
        // A 4xx other than 429 (bad payload, revoked webhook) will not get better by retrying.
        if (!(error instanceof RetryableSlackError)) return this.failed(attempt, lastError);
        if (attempt === 1) await sleep(SLACK_RETRY_DELAY_MS);
      }
    }
    return this.failed(2, lastError);
  }

  private async send(url: string, message: SlackMessage): Promise<void> {
    let response: Response;
    try {
      // Node's fetch keeps connections alive by default; the signal bounds the whole exchange.
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
      });
      await response.text();
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${SLACK_TIMEOUT_MS} ms` : '';
      throw new RetryableSlackError(reason || `network error: ${(error as Error).message}`);
    }
    if (response.ok) return;
    const status = `Slack answered ${response.status}`;
    if (response.status === 429 || response.status >= 500) throw new RetryableSlackError(status);
    throw new Error(status);
  }

  private failed(attempts: number, error: string): SlackPostResult {
    return { delivered: false, reason: 'failed', attempts, error };
  }
}
