// PostgreSQL text holds no U+0000 (the statement fails) and turns half a surrogate pair into U+FFFD;
// jsonb refuses both (`unsupported Unicode escape sequence`). Either fails every row of a statement that
// writes many, so text from outside (an HTTP reply, a cut we made) is made storable before it is written.
// With the `u` flag \p{Cs} matches only a surrogate that is not half of a pair.
const UNSTORABLE = /\0|\p{Cs}/gu;
const HIGH_SURROGATE_AT_END = /[\ud800-\udbff]$/;
const REPLACEMENT_CHARACTER = '\uFFFD';

/** True when PostgreSQL text and jsonb can hold `text` exactly. */
export function isStorableText(text: string): boolean {
  return text.search(UNSTORABLE) === -1;
}

/** `text` with each NUL and each half of a surrogate pair replaced, as browsers show them (U+FFFD). */
export function storableText(text: string, replacement = REPLACEMENT_CHARACTER): string {
  return text.replace(UNSTORABLE, replacement);
}

/**
 * The start of `text`, at most `maxUnits` UTF-16 units long, never ending in the middle of a character
 * (an emoji is two units: `slice` alone can keep its first half, which is no character at all).
 */
export function textPrefix(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  const cut = text.slice(0, maxUnits);
  return HIGH_SURROGATE_AT_END.test(cut) ? cut.slice(0, -1) : cut;
}

/** `text` when it fits in `maxUnits`, else its start (see textPrefix) and `…`, `maxUnits` units in all. */
export function shortenedText(text: string, maxUnits: number): string {
  return text.length <= maxUnits ? text : `${textPrefix(text, maxUnits - 1)}…`;
}
