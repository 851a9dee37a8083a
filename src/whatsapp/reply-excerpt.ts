import { shortenedText } from '../common/storable-text';
import { maskPhonesInText } from '../logging/phone-mask';
import { REASON_EXCERPT_CHARS } from './whatsapp.constants';

// PostgreSQL text holds neither U+0000 nor half a surrogate pair: either in `erro` fails the statement
// that writes the whole wave's outcomes. A binary or compressed error page brings NULs.
const CONTROL_CHARACTERS = /\p{Cc}/gu;

/**
 * A provider reply body made fit for `fila_mensagens.erro` and logs: the credentials we sent are removed
 * (some gateways echo request headers in errors), phone numbers masked, control characters and runs of
 * whitespace made one space, and the result cut to REASON_EXCERPT_CHARS, never inside a character.
 * Redaction and masking come before the cut, so that half a secret or half a phone number cannot slip
 * through at the edge.
 */
export function replyExcerpt(body: string, secrets: readonly string[]): string {
  let text = body;
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('[REDACTED]');
  text = maskPhonesInText(text).replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return shortenedText(text, REASON_EXCERPT_CHARS);
}
