import type { Clock } from '../../common/clock';
import type { AppConfig } from '../../config/app-config';
import type { HttpJsonClient } from '../http-json-client';
import { classifySendOutcome, nonEmptyString, ReplyReader } from '../send-outcome.classifier';
import { OutboundMessage, SendResult, WhatsAppProvider } from '../whatsapp-provider';
import {
  META_ACCOUNT_ERROR_CODES,
  META_THROTTLING_ERROR_CODES,
  META_UNREACHABLE_OBJECT,
} from './meta-cloud.constants';

interface MetaReply {
  messages?: { id?: unknown }[];
  error?: { code?: unknown; error_subcode?: unknown };
}

/**
 * WhatsApp Cloud API (CONTRACT §6): one business phone number.
 * `POST {META_API_URL}/{META_PHONE_NUMBER_ID}/messages`, `Authorization: Bearer`; the id is
 * `messages[0].id`.
 */
export class MetaCloudProvider extends WhatsAppProvider {
  readonly name = 'meta';
  private readonly url: string;
  private readonly accessToken: string;
  private readonly phoneNumberId: string;
  private readonly reader: ReplyReader;

  constructor(
    config: Pick<AppConfig, 'META_API_URL' | 'META_PHONE_NUMBER_ID' | 'META_ACCESS_TOKEN'>,
    private readonly http: HttpJsonClient,
    private readonly clock: Clock,
  ) {
    super();
    if (config.META_PHONE_NUMBER_ID === undefined || config.META_ACCESS_TOKEN === undefined)
      throw new Error('META_PHONE_NUMBER_ID and META_ACCESS_TOKEN are required by the meta provider');
    this.phoneNumberId = config.META_PHONE_NUMBER_ID;
    this.accessToken = config.META_ACCESS_TOKEN;
    this.url = `${config.META_API_URL.replace(/\/+$/, '')}/${encodeURIComponent(this.phoneNumberId)}/messages`;
    this.reader = {
      secrets: [this.accessToken],
      messageIdOf: (json) => nonEmptyString((json as MetaReply | undefined)?.messages?.[0]?.id),
      isThrottling: (json) => hasErrorCodeIn(json, META_THROTTLING_ERROR_CODES),
      isSendingNumberDown: (json) =>
        hasErrorCodeIn(json, META_ACCOUNT_ERROR_CODES) || isUnreachablePhoneNumberId(json),
    };
  }

  sendingNumbers(): readonly string[] {
    return [this.phoneNumberId];
  }

  async send(message: OutboundMessage, signal?: AbortSignal, withdraw?: AbortSignal): Promise<SendResult> {
    const outcome = await this.http.post(
      this.url,
      { authorization: `Bearer ${this.accessToken}` },
      { messaging_product: 'whatsapp', to: message.to, type: 'text', text: { body: message.text } },
      signal,
      withdraw,
    );
    return classifySendOutcome(outcome, this.reader, this.clock.now());
  }
}

function hasErrorCodeIn(json: unknown, codes: ReadonlySet<number>): boolean {
  const code = numberIn((json as MetaReply | undefined)?.error?.code);
  return code !== undefined && codes.has(code);
}

function isUnreachablePhoneNumberId(json: unknown): boolean {
  const error = (json as MetaReply | undefined)?.error;
  return (
    numberIn(error?.code) === META_UNREACHABLE_OBJECT.code &&
    numberIn(error?.error_subcode) === META_UNREACHABLE_OBJECT.subcode
  );
}

/** a numeric field of the error, sent as a number or a numeric string */
function numberIn(value: unknown): number | undefined {
  return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')
    ? Number(value)
    : undefined;
}
