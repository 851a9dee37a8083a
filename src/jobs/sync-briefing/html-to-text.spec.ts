import { htmlToText, looksLikeHtml, normaliseText } from './html-to-text';

describe('htmlToText', () => {
  it('keeps the words and the paragraphs, drops markup, scripts and styles', () => {
    const html = `<!DOCTYPE html><html><head><title>x</title><style>p{color:red}</style></head>
      <body><h1>Briefing</h1><p class="c1">Plantões de <b>UTI</b> &amp; PS</p><script>track()</script>
      <p>Valor&nbsp;mínimo: R$ 1.200</p></body></html>`;
    expect(htmlToText(html)).toBe('Briefing\nPlantões de UTI & PS\nValor mínimo: R$ 1.200');
  });

  it('keeps the words of a <header> (not the <head>) and of a <scripts-list>, whatever follows them', () => {
    const html = `<html><body><header>Plantões da semana</header><p>UTI</p>
      <scripts-list>Escala</scripts-list></body></html><!-- </head> </script> -->`;
    expect(htmlToText(html)).toBe('Plantões da semana\nUTI\nEscala');
  });

  it('gives the same text when only the markup changes', () => {
    expect(htmlToText('<p class="a">Oi</p>')).toBe(htmlToText('<div id="z"><p class="b">Oi</p></div>'));
  });

  it('detects HTML by content type or by its start', () => {
    expect(looksLikeHtml('text/html; charset=utf-8', 'x')).toBe(true);
    expect(looksLikeHtml(null, '  <!doctype html><p>')).toBe(true);
    expect(looksLikeHtml('text/plain', 'a < b')).toBe(false);
  });

  it('reads a numeric reference to NUL, a surrogate or past Unicode as U+FFFD, as browsers do', () => {
    expect(htmlToText('<p>a &#0; b &#xD800; c &#x110000; d &#99999999999; e &#x41;&#233;</p>')).toBe(
      'a \uFFFD b \uFFFD c \uFFFD d \uFFFD e Aé',
    );
  });

  it('replaces a raw NUL (which PostgreSQL text cannot hold) in HTML and in plain text', () => {
    expect(htmlToText('<p>a\0b</p>')).toBe('a\uFFFDb');
    expect(normaliseText('a\0b')).toBe('a\uFFFDb');
  });

  it('normalises plain text line endings', () => {
    expect(normaliseText('a  \r\nb\r\n\n')).toBe('a\nb');
  });
});
