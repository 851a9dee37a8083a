import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { networkErrorCode } from '../whatsapp/json-post';
import { parseRetryAfter } from '../whatsapp/retry-after';
import type { SlackMessage, SlackPostResult } from './slack-message';
import { SLACK_MAX_RETRY_WAIT_MS, SLACK_RETRY_DELAY_MS, SLACK_TIMEOUT_MS } from './slack.constants';

class RetryableSlackError extends Error {
  /** how long Slack asked us to wait (a 429's Retry-After), when it said */
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** POSTs to the Slack incoming webhook (SLACK_WEBHOOK_URL) with a timeout and one retry. */
@Injectable()
export class SlackClient {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

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
        if (attempt === 2) break;
        // Retrying before a 429's Retry-After is over only earns another 429: a long wait is left to the
        // caller's next run (alerts, reports and handoff posts are all repeated until Slack takes them).
        const waitMs = Math.max(error.retryAfterMs ?? 0, SLACK_RETRY_DELAY_MS);
        if (waitMs > SLACK_MAX_RETRY_WAIT_MS) return this.failed(attempt, lastError);
        await sleep(waitMs);
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
      // fetch says only "fetch failed"; the why (ECONNREFUSED, ENOTFOUND, a certificate) is its cause's code
      const cause = (error as { cause?: unknown }).cause;
      throw new RetryableSlackError(reason || `network error: ${networkErrorCode(cause ?? error)}`);
    }
    if (response.ok) return;
    const status = `Slack answered ${response.status}`;
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(
        response.headers.get('retry-after') ?? undefined,
        this.clock.now(),
      );
      const wait =
        retryAfterMs === undefined ? '' : ` (rate limited: retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
      throw new RetryableSlackError(status + wait, retryAfterMs);
    }
    if (response.status >= 500) throw new RetryableSlackError(status);
    throw new Error(status);
  }

  private failed(attempts: number, error: string): SlackPostResult {
    return { delivered: false, reason: 'failed', attempts, error };
  }
}
