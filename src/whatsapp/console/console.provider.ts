import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { maskPhone } from '../../logging/phone-mask';
import { OutboundMessage, SendResult, WhatsAppProvider } from '../whatsapp-provider';

export const CONSOLE_SENDING_NUMBER = 'console';

/**
 * WHATSAPP_PROVIDER=console (the default): nothing leaves the machine, the message is logged instead, so a
 * new user sees the queue work without credentials. The text is personal data: only at debug level.
 */
export class ConsoleProvider extends WhatsAppProvider {
  readonly name = 'console';
  private readonly logger = new Logger('whatsapp');

  sendingNumbers(): readonly string[] {
    return [CONSOLE_SENDING_NUMBER];
  }

  send(message: OutboundMessage, signal?: AbortSignal, withdraw?: AbortSignal): Promise<SendResult> {
    if (withdraw?.aborted) return Promise.resolve({ kind: 'withdrawn' });
    if (signal?.aborted)
      return Promise.resolve({
        kind: 'temporary_failure',
        reason: 'aborted',
        aborted: true,
        surelyNotSent: true,
      });
    const providerMessageId = `console-${randomUUID()}`;
    const to = maskPhone(message.to);
    this.logger.log({
      msg: 'console provider: message logged, not sent',
      to,
      chars: message.text.length,
      provider_message_id: providerMessageId,
    });
    this.logger.debug({ msg: 'console provider: message text', to, text: message.text });
    return Promise.resolve({ kind: 'sent', providerMessageId });
  }
}
