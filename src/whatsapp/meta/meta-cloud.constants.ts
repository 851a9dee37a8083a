/**
 * Cloud API error codes that mean "too fast, try later" although they arrive as HTTP 400 rather than 429:
 * treating them as permanent would drop messages that only had to wait. (Meta's error-code reference:
 * 4 application request limit, 80007 WABA rate limit, 130429 throughput reached, 131048 spam rate limit,
 * 131056 pair rate limit.)
 */
export const META_THROTTLING_ERROR_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131048, 131056]);
