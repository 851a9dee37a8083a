/** First line only, at most 200 characters: driver errors can be long, and this body is served to anonymous probes. */
export function shortMessage(message: unknown): string {
  const text = typeof message === 'string' && message.trim() ? message.trim() : 'unknown error';
  const line = text.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
