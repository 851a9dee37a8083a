/** The briefing server must answer within this time. */
export const BRIEFING_TIMEOUT_MS = 15_000;

/** A briefing larger than this is refused rather than stored (a wrong URL, not a document). */
export const BRIEFING_MAX_CHARS = 2_000_000;

/** Injection token for the download timeout, so tests can trip it without waiting BRIEFING_TIMEOUT_MS. */
export const BRIEFING_TIMEOUT = Symbol('BRIEFING_TIMEOUT');
