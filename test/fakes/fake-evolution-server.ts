import type { IncomingHttpHeaders } from 'node:http';
import { FakeProviderServer, ParsedRoute } from './fake-provider-server';

const SEND_TEXT = /^\/message\/sendText\/([^/?]+)$/;

/**
 * Evolution API gateway: `POST /message/sendText/{instance}` with header `apikey` and
 * `{"number","text"}`; answers `{"key":{"id"}}`. Only the instances given (when given) exist; with an
 * `apiKey`, any other key gets 401.
 */
export class FakeEvolutionServer extends FakeProviderServer {
  constructor(private readonly options: { apiKey?: string; instances?: readonly string[] } = {}) {
    super();
  }

  protected parseRoute(path: string, body: unknown): ParsedRoute | null {
    const match = SEND_TEXT.exec(path);
    if (match === null) return null;
    const instance = decodeURIComponent(match[1]);
    if (this.options.instances !== undefined && !this.options.instances.includes(instance)) return null;
    const number = (body as { number?: unknown } | undefined)?.number;
    return { sendingNumber: instance, recipient: typeof number === 'string' ? number : undefined };
  }

  protected isAuthorized(headers: IncomingHttpHeaders): boolean {
    return this.options.apiKey === undefined || headers.apikey === this.options.apiKey;
  }

  protected unauthorizedBody(): unknown {
    return { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } };
  }

  protected okBody(id: string, recipient: string | undefined): unknown {
    return {
      key: { remoteJid: `${recipient ?? ''}@s.whatsapp.net`, fromMe: true, id },
      message: { extendedTextMessage: { text: '' } },
      messageTimestamp: '1767225600',
      status: 'PENDING',
    };
  }

  protected generateId(sequence: number): string {
    return `3EB0${sequence.toString(16).toUpperCase().padStart(16, '0')}`;
  }
}
