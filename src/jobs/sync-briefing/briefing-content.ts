/**
 * What a download's Content-Type says it is: a document, a file that is surely none (a PDF or .docx export
 * link), or unknown (no type, or `application/octet-stream`, as storage serves an upload given no type).
 */
export type BriefingContent = 'text' | 'not_text' | 'unknown';

export function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function briefingContent(contentType: string | null): BriefingContent {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === '' || /^(application|binary)\/octet-stream$/.test(mediaType)) return 'unknown';
  return mediaType.startsWith('text/') || /[/+](html|xhtml|xml|json)$/.test(mediaType) ? 'text' : 'not_text';
}

/** A PDF or a zip (.docx, .odt) read as text: its magic number, or a NUL, which no text document holds. */
export function looksBinary(text: string): boolean {
  return text.startsWith('%PDF-') || text.startsWith('PK\u0003\u0004') || text.slice(0, 1024).includes('\0');
}
