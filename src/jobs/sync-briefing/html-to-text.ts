import { storableText } from '../../common/storable-text';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

const REPLACEMENT_CHARACTER = '\uFFFD';

/** A numeric character reference as browsers read it: NUL, a surrogate or past Unicode is U+FFFD. */
function referencedCharacter(codePoint: number): string {
  const isSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
  return codePoint > 0 && codePoint <= 0x10ffff && !isSurrogate
    ? String.fromCodePoint(codePoint)
    : REPLACEMENT_CHARACTER;
}

/** True when the body is an HTML export rather than plain text. */
export function looksLikeHtml(contentType: string | null, body: string): boolean {
  return /html/i.test(contentType ?? '') || /^\s*(<!doctype html|<html)/i.test(body);
}

/**
 * An HTML export reduced to its text, so the hash changes only when the words do (not when the exporter
 * renames a CSS class or a tracking id). Block elements become line breaks.
 */
export function htmlToText(html: string): string {
  return (
    storableText(html)
      // the whole tag name: `<head` alone also opens `<header>`, whose words were then cut to a later
      // `</head>`, or scanned for one to the end of the document once per `<header>`
      .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(
        /<br\s*\/?>|<\/(p|div|li|h[1-6]|tr|table|ul|ol|section|header|footer|nav|main|article|aside)>/gi,
        '\n',
      )
      .replace(/<[^>]+>/g, '')
      .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (entity, code: string) => {
        if (code.startsWith('#x') || code.startsWith('#X'))
          return referencedCharacter(parseInt(code.slice(2), 16));
        if (code.startsWith('#')) return referencedCharacter(Number(code.slice(1)));
        return ENTITIES[code.toLowerCase()] ?? entity;
      })
      .split('\n')
      .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
      .filter(Boolean)
      .join('\n')
  );
}

/** Plain text normalised the same way (line endings, trailing spaces), for a stable hash. */
export function normaliseText(text: string): string {
  return storableText(text)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}
