import type { IncomingHttpHeaders } from 'node:http';
import { FakeProviderServer, ParsedRoute } from './fake-provider-server';

// `{META_API_URL}/{phone number id}/messages`; META_API_URL may carry a version path (/v21.0)
const MESSAGES = /^(?:\/[^/?]+)*\/([^/?]+)\/messages$/;

/**
 * WhatsApp Cloud API: `POST .../{phone number id}/messages` with `Authorization: Bearer <token>`; answers
 * `{"messages":[{"id":"wamid..."}]}`. With an `accessToken`, any other token gets 401 (code 190); with a
 * `phoneNumberId`, any other id gets the Graph API's 400 (code 100, subcode 33).
 */
export class FakeMetaServer extends FakeProviderServer {
  constructor(private readonly options: { accessToken?: string; phoneNumberId?: string } = {}) {
    super();
  }

  protected parseRoute(path: string, body: unknown): ParsedRoute | null {
    const match = MESSAGES.exec(path);
    if (match === null) return null;
    const phoneNumberId = decodeURIComponent(match[1]);
    if (this.options.phoneNumberId !== undefined && phoneNumberId !== this.options.phoneNumberId) return null;
    const to = (body as { to?: unknown } | undefined)?.to;
    return { sendingNumber: phoneNumberId, recipient: typeof to === 'string' ? to : undefined };
  }

  protected isAuthorized(headers: IncomingHttpHeaders): boolean {
    return (
      this.options.accessToken === undefined || headers.authorization === `Bearer ${this.options.accessToken}`
    );
  }

  protected unauthorizedBody(): unknown {
    return {
      error: {
        message: 'Invalid OAuth access token.',
        type: 'OAuthException',
        code: 190,
        fbtrace_id: 'AbCdEf',
      },
    };
  }

  protected okBody(id: string, recipient: string | undefined): unknown {
    return {
      messaging_product: 'whatsapp',
      contacts: [{ input: recipient, wa_id: recipient }],
      messages: [{ id }],
    };
  }

  // what the Graph API answers when the phone number id does not exist or the token cannot reach it
  protected override notFoundReply(path: string): { status: number; body: unknown } {
    const match = MESSAGES.exec(path);
    if (match === null) return super.notFoundReply(path);
    return {
      status: 400,
      body: {
        error: {
          message: `Unsupported post request. Object with ID '${decodeURIComponent(match[1])}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
          type: 'GraphMethodException',
          code: 100,
          error_subcode: 33,
          fbtrace_id: 'AbCdEf',
        },
      },
    };
  }

  protected generateId(sequence: number): string {
    return `wamid.HBgN${sequence.toString().padStart(12, '0')}`;
  }
}
