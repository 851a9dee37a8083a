import { Injectable } from '@nestjs/common';
import { BRIEFING_MAX_CHARS, BRIEFING_TIMEOUT_MS } from './sync-briefing.constants';

export type BriefingDownload =
  { ok: true; body: string; contentType: string | null } | { ok: false; reason: string };

/** GETs the briefing document; every failure is a value with the reason. */
@Injectable()
export class BriefingFetcher {
  async fetch(url: string, signal: AbortSignal): Promise<BriefingDownload> {
    try {
      const response = await fetch(url, {
        headers: { accept: 'text/html, text/plain;q=0.9, */*;q=0.5' },
        signal: AbortSignal.any([signal, AbortSignal.timeout(BRIEFING_TIMEOUT_MS)]),
      });
      const body = await response.text();
      if (!response.ok) return { ok: false, reason: `briefing server answered ${response.status}` };
      if (body.trim() === '') return { ok: false, reason: 'briefing server answered an empty document' };
      if (body.length > BRIEFING_MAX_CHARS)
        return { ok: false, reason: `briefing is larger than ${BRIEFING_MAX_CHARS} characters` };
      return { ok: true, body, contentType: response.headers.get('content-type') };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return {
        ok: false,
        reason: timedOut
          ? `briefing server did not answer in ${BRIEFING_TIMEOUT_MS} ms`
          : `briefing download failed: ${(error as Error).message}`,
      };
    }
  }
}
