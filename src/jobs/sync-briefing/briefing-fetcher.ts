import { Inject, Injectable } from '@nestjs/common';
import { Deadline } from '../../common/deadline';
import { fetchFailureReason } from '../../common/fetch-failure';
import { briefingContent, looksBinary, mediaTypeOf } from './briefing-content';
import { briefingDecoder } from './briefing-decoder';
import type { BriefingSource } from './briefing-source';
import { BRIEFING_MAX_CHARS, BRIEFING_TIMEOUT } from './sync-briefing.constants';

export type BriefingDownload =
  { ok: true; body: string; contentType: string | null } | { ok: false; reason: string };

/** GETs the briefing document; every failure is a value with the reason. */
@Injectable()
export class BriefingFetcher {
  constructor(@Inject(BRIEFING_TIMEOUT) private readonly timeoutMs: number) {}

  async fetch(source: BriefingSource, signal: AbortSignal): Promise<BriefingDownload> {
    const deadline = new Deadline(this.timeoutMs);
    const accept = 'text/html, text/plain;q=0.9, */*;q=0.5';
    try {
      const response = await fetch(source.url, {
        headers: source.authorization === null ? { accept } : { accept, authorization: source.authorization },
        signal: deadline.or(signal),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return { ok: false, reason: `briefing server answered ${response.status}` };
      }
      const contentType = response.headers.get('content-type');
      const content = briefingContent(contentType);
      const notText = {
        ok: false,
        reason: `briefing is not a text or HTML document (${mediaTypeOf(contentType) || 'no Content-Type'})`,
      } as const;
      if (content === 'not_text') {
        await response.body?.cancel();
        return notText;
      }
      const body = await textUpTo(response, contentType, BRIEFING_MAX_CHARS);
      if (body === null)
        return { ok: false, reason: `briefing is larger than ${BRIEFING_MAX_CHARS} characters` };
      if (content === 'unknown' && looksBinary(body)) return notText;
      if (body.trim() === '') return { ok: false, reason: 'briefing server answered an empty document' };
      return { ok: true, body, contentType };
    } catch (error) {
      return {
        ok: false,
        reason: deadline.expired
          ? `briefing server did not answer in ${this.timeoutMs} ms`
          : `briefing download failed: ${fetchFailureReason(error)}`,
      };
    } finally {
      deadline.clear();
    }
  }
}

/**
 * The body as text, or null once it passes `maxChars`: reading stops there, so a wrong URL that sends
 * without end (a file, a stream) is never held whole in memory.
 */
async function textUpTo(
  response: Response,
  contentType: string | null,
  maxChars: number,
): Promise<string | null> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  let decoder: TextDecoder | undefined;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    decoder ??= briefingDecoder(contentType, value);
    text += done ? decoder.decode() : decoder.decode(value, { stream: true });
    if (text.length > maxChars) {
      await reader.cancel();
      return null;
    }
    if (done) return text;
  }
}
