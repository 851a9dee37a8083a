import { isStorableText, shortenedText, storableText, textPrefix } from './storable-text';

describe('storable text', () => {
  it.each([['a\u0000b'], ['a\ud83d'], ['\ude00b'], ['a\ude00\ud83d']])(
    'finds %j unstorable (NUL or half a surrogate pair)',
    (text) => {
      expect(isStorableText(text)).toBe(false);
      expect(isStorableText(storableText(text))).toBe(true);
    },
  );

  it('keeps whole emojis and every other character', () => {
    const text = 'Plantão 😀 UTI\t\u0001\uFFFF';
    expect(isStorableText(text)).toBe(true);
    expect(storableText(text)).toBe(text);
  });

  it('replaces NUL and half pairs with U+FFFD, or the replacement given', () => {
    expect(storableText('a\u0000b\ud83dc\ude00')).toBe('a\uFFFDb\uFFFDc\uFFFD');
    expect(storableText('a\u0000b', ' ')).toBe('a b');
  });

  it('cuts before an emoji rather than through it', () => {
    expect(textPrefix('ab😀c', 3)).toBe('ab');
    expect(textPrefix('ab😀c', 4)).toBe('ab😀');
    expect(textPrefix('ab😀c', 2)).toBe('ab');
    expect(textPrefix('abc', 3)).toBe('abc');
    expect(textPrefix('abc', 10)).toBe('abc');
  });

  it('shortens with an ellipsis only what does not fit, never through an emoji', () => {
    expect(shortenedText('abcdef', 6)).toBe('abcdef');
    expect(shortenedText('abcdefg', 6)).toBe('abcde…');
    expect(shortenedText('abcd😀fg', 6)).toBe('abcd…');
  });
});
