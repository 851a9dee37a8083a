/** Where to GET the briefing: BRIEFING_URL without its login, which fetch refuses in a URL. */
export interface BriefingSource {
  /** also what `briefings.fonte` records: never a password */
  readonly url: string;
  /** `Basic …` when BRIEFING_URL carries `user:password@` */
  readonly authorization: string | null;
}

/**
 * A briefing behind HTTP Basic auth is configured as `https://user:password@host/doc`; fetch throws on such a
 * URL with the URL, password included, in its message. The login goes in a header instead.
 */
export function briefingSource(configured: string): BriefingSource {
  const url = new URL(configured);
  if (url.username === '' && url.password === '') return { url: configured, authorization: null };
  const login = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(login).toString('base64')}` };
}
