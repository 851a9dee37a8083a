import { Inject, Injectable } from '@nestjs/common';
import { BRIEFING_MAX_CHARS, BRIEFING_TIMEOUT } from './sync-briefing.constants';

export type BriefingDownload =
  { ok: true; body: string; contentType: string | null } | { ok: false; reason: string };

/** GETs the briefing document; every failure is a value with the reason. */
@Injectable()
export class BriefingFetcher {
  constructor(@Inject(BRIEFING_TIMEOUT) private readonly timeoutMs: number) {}

  async fetch(url: string, signal: AbortSignal): Promise<BriefingDownload> {
    // Not AbortSignal.timeout: AbortSignal.any holds its sources weakly and nothing else holds a timeout
    // signal, so on Node 20 a garbage collection during the download lost the timeout (a server that
    // stopped mid-document held the run until JOB_TIMEOUT). The timer holds this controller.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    try {
      const response = await fetch(url, {
        headers: { accept: 'text/html, text/plain;q=0.9, */*;q=0.5' },
        signal: AbortSignal.any([signal, timeout.signal]),
      });
      const body = await response.text();
      if (!response.ok) return { ok: false, reason: `briefing server answered ${response.status}` };
      if (body.trim() === '') return { ok: false, reason: 'briefing server answered an empty document' };
      if (body.length > BRIEFING_MAX_CHARS)
        return { ok: false, reason: `briefing is larger than ${BRIEFING_MAX_CHARS} characters` };
      return { ok: true, body, contentType: response.headers.get('content-type') };
    } catch (error) {
      return {
        ok: false,
        reason: timeout.signal.aborted
          ? `briefing server did not answer in ${this.timeoutMs} ms`
          : `briefing download failed: ${(error as Error).message}`,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
