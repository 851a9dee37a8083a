/** An incoming-webhook payload: `text` is required (CONTRACT §6) and is the fallback when blocks are given. */
export interface SlackMessage {
  text: string;
  blocks?: readonly Record<string, unknown>[];
}

/** What became of a post: a value, not an exception, so a Slack outage never fails the caller's work. */
export type SlackPostResult =
  | { delivered: true; attempts: number }
  | { delivered: false; reason: 'not_configured' }
  | { delivered: false; reason: 'failed'; attempts: number; error: string };
