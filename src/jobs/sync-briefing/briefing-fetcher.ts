import { Inject, Injectable } from '@nestjs/common';
import { Deadline } from '../../common/deadline';
import { briefingContent, looksBinary, mediaTypeOf } from './briefing-content';
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
          : `briefing download failed: ${downloadFailure(error)}`,
      };
    } finally {
      deadline.clear();
    }
  }
}

/**
 * fetch fails with "fetch failed" and the reason in its cause: the code when the network gave one
 * (ECONNREFUSED, ENOTFOUND, …), else the cause's own words ("bad port").
 */
function downloadFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return (error as Error).message;
}

/**
 * The encoding its byte order mark names, else the charset the server names (`text/plain;
 * charset=ISO-8859-1`, an export from an older system), else the one an HTML page names in a `<meta>` of
 * its first 1024 bytes (a Word "web page" served as plain `text/html`), else UTF-8: read as UTF-8, every
 * accented letter of a Latin-1 document would be stored as U+FFFD.
 */
function decoderFor(contentType: string | null, firstBytes: Uint8Array | undefined): TextDecoder {
  const head = firstBytes === undefined ? '' : new TextDecoder('latin1').decode(firstBytes.subarray(0, 1024));
  const charset =
    byteOrderMark(firstBytes) ??
    /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1] ??
    /<meta\b[^>]*?charset\s*=\s*["']?([^"'\s;/>]+)/i.exec(head)?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    return new TextDecoder('utf-8'); // a label TextDecoder does not know
  }
  return decoder.encoding === 'windows-1252' && isUtf8Text(firstBytes) ? new TextDecoder('utf-8') : decoder;
}

/**
 * Old servers label every file ISO-8859-1 (Apache's AddDefaultCharset); accented Latin-1 text is never
 * valid UTF-8, so a first chunk that is, with a letter past ASCII, was written in UTF-8.
 */
function isUtf8Text(bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined || !bytes.some((byte) => byte >= 0x80)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** A byte order mark names the encoding over any header (as browsers read it): a UTF-16 text file has one. */
function byteOrderMark(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined || bytes.length < 2) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  return undefined;
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
    decoder ??= decoderFor(contentType, value);
    text += done ? decoder.decode() : decoder.decode(value, { stream: true });
    if (text.length > maxChars) {
      await reader.cancel();
      return null;
    }
    if (done) return text;
  }
}
