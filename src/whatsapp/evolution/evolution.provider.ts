import type { Clock } from '../../common/clock';
import type { AppConfig } from '../../config/app-config';
import type { HttpJsonClient } from '../http-json-client';
import { classifySendOutcome, nonEmptyString, ReplyReader } from '../send-outcome.classifier';
import { OutboundMessage, SendResult, WhatsAppProvider } from '../whatsapp-provider';
import { EVOLUTION_INSTANCE_DOWN_MESSAGES } from './evolution.constants';

/** Evolution's error body: `{"status","error","response":{"message": <string or list>}}` */
interface EvolutionErrorReply {
  response?: { message?: unknown };
}

/**
 * Evolution API gateway (CONTRACT §6): one instance per sending number, all behind one URL and API key.
 * `POST {EVOLUTION_API_URL}/message/sendText/{instance}`, header `apikey`; the message id is `key.id`.
 */
export class EvolutionProvider extends WhatsAppProvider {
  readonly name = 'evolution';
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly instances: readonly string[];
  private readonly reader: ReplyReader;

  constructor(
    config: Pick<AppConfig, 'EVOLUTION_API_URL' | 'EVOLUTION_API_KEY' | 'EVOLUTION_INSTANCE'>,
    private readonly http: HttpJsonClient,
    private readonly clock: Clock,
  ) {
    super();
    if (config.EVOLUTION_API_URL === undefined || config.EVOLUTION_API_KEY === undefined)
      throw new Error('EVOLUTION_API_URL and EVOLUTION_API_KEY are required by the evolution provider');
    if (config.EVOLUTION_INSTANCE.length === 0)
      throw new Error('EVOLUTION_INSTANCE is required by the evolution provider');
    this.baseUrl = config.EVOLUTION_API_URL.replace(/\/+$/, '');
    this.apiKey = config.EVOLUTION_API_KEY;
    this.instances = [...config.EVOLUTION_INSTANCE];
    this.reader = {
      secrets: [this.apiKey],
      messageIdOf: (json) => nonEmptyString((json as { key?: { id?: unknown } } | undefined)?.key?.id),
      // a refused API key refuses every message of every instance: the gateway, not the message, is wrong
      isSendingNumberDown: (json, status) =>
        status === 401 ||
        errorMessagesOf(json).some((text) =>
          EVOLUTION_INSTANCE_DOWN_MESSAGES.some((pattern) => pattern.test(text)),
        ),
    };
  }

  sendingNumbers(): readonly string[] {
    return this.instances;
  }

  async send(message: OutboundMessage, signal?: AbortSignal, withdraw?: AbortSignal): Promise<SendResult> {
    const instance = message.instance ?? this.instances[0];
    if (!this.instances.includes(instance))
      return {
        kind: 'permanent_failure',
        reason: 'sending number is not a configured Evolution instance',
        surelyNotSent: true,
      };
    const outcome = await this.http.post(
      `${this.baseUrl}/message/sendText/${encodeURIComponent(instance)}`,
      { apikey: this.apiKey },
      { number: message.to, text: message.text },
      signal,
      withdraw,
    );
    return classifySendOutcome(outcome, this.reader, this.clock.now());
  }
}

function errorMessagesOf(json: unknown): string[] {
  const message = (json as EvolutionErrorReply | null | undefined)?.response?.message;
  return (Array.isArray(message) ? message : [message]).filter(
    (text): text is string => typeof text === 'string',
  );
}
