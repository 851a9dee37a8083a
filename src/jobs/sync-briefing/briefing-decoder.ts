/**
 * The encoding its byte order mark names, else the charset the server names (`text/plain;
 * charset=ISO-8859-1`, an export from an older system), else the one an HTML page names in a `<meta>` of
 * its first 1024 bytes (a Word "web page" served as plain `text/html`), else UTF-8: read as UTF-8, every
 * accented letter of a Latin-1 document would be stored as U+FFFD.
 */
export function briefingDecoder(contentType: string | null, firstBytes: Uint8Array | undefined): TextDecoder {
  const head = firstBytes === undefined ? '' : new TextDecoder('latin1').decode(firstBytes.subarray(0, 1024));
  const charset =
    byteOrderMark(firstBytes) ??
    /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1] ??
    /<meta\b[^>]*?charset\s*=\s*["']?([^"'\s;/>]+)/i.exec(head)?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    return new TextDecoder('utf-8'); // a label TextDecoder does not know
  }
  return decoder.encoding === 'windows-1252' && isUtf8Text(firstBytes) ? new TextDecoder('utf-8') : decoder;
}

/**
 * Old servers label every file ISO-8859-1 (Apache's AddDefaultCharset); accented Latin-1 text is never
 * valid UTF-8, so a first chunk that is, with a letter past ASCII, was written in UTF-8.
 */
function isUtf8Text(bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined || !bytes.some((byte) => byte >= 0x80)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** A byte order mark names the encoding over any header (as browsers read it): a UTF-16 text file has one. */
function byteOrderMark(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined || bytes.length < 2) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  return undefined;
}
