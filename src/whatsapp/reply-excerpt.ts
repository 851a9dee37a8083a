import { maskPhonesInText } from '../logging/phone-mask';
import { REASON_EXCERPT_CHARS } from './whatsapp.constants';

/**
 * A provider reply body made fit for `fila_mensagens.erro` and logs: the credentials we sent are removed
 * (some gateways echo request headers in errors), phone numbers masked, whitespace collapsed, and the
 * result cut to REASON_EXCERPT_CHARS. Redaction and masking come before the cut, so that half a secret or
 * half a phone number cannot slip through at the edge.
 */
export function replyExcerpt(body: string, secrets: readonly string[]): string {
  let text = body;
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('[REDACTED]');
  text = maskPhonesInText(text).replace(/\s+/g, ' ').trim();
  return text.length > REASON_EXCERPT_CHARS ? `${text.slice(0, REASON_EXCERPT_CHARS - 1)}…` : text;
}
