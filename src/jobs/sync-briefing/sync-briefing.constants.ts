/** The briefing server must answer within this time. */
export const BRIEFING_TIMEOUT_MS = 15_000;

/** A briefing larger than this is refused rather than stored (a wrong URL, not a document). */
export const BRIEFING_MAX_CHARS = 2_000_000;
