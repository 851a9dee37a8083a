import { textPrefix } from '../../common/storable-text';
import { firstName } from '../handoff/handoff-messages';
import { EXCERPT_LENGTH } from './retomada.constants';
import type { LocalTime } from './local-clock';

/** "Bom dia" before noon, "Boa tarde" after (business hours end in the evening). */
export function greeting(localHour: number): string {
  return localHour < 12 ? 'Bom dia' : 'Boa tarde';
}

// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) last until their closing
// mark or the end of the paragraph: one left open in the quote would display the rest of our reply reversed.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function excerpt(text: string): string {
  const flat = text.replace(BIDI_CONTROLS, '').replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_LENGTH ? flat : `${textPrefix(flat, EXCERPT_LENGTH - 1).trimEnd()}…`;
}

/** The reply to a message that arrived out of hours: greets by name and refers to the original. */
export function retomadaMessage(
  nome: string | null,
  mensagem: string,
  now: LocalTime,
  receivedAt: LocalTime,
) {
  const name = firstName(nome);
  const hello = name ? `${greeting(now.hour)}, ${name}!` : `${greeting(now.hour)}!`;
  // a voice note or a photo arrives with no text: quoting it would read `: "".`
  const quoted = excerpt(mensagem);
  const quote = quoted === '' ? '' : `: "${quoted}"`;
  return (
    `${hello} Vi sua mensagem de ${receivedAt.dayMonth} às ${receivedAt.hourMinute}${quote}. ` +
    `Agora estou por aqui: vamos continuar?`
  );
}
