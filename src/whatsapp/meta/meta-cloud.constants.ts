/**
 * Cloud API error codes that mean "too fast, try later" although they arrive as HTTP 400 rather than 429:
 * treating them as permanent would drop messages that only had to wait. (Meta's error-code reference:
 * 4 application request limit, 80007 WABA rate limit, 130429 throughput reached, 131048 spam rate limit,
 * 131056 pair rate limit.)
 */
export const META_THROTTLING_ERROR_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131048, 131056]);

const API_PERMISSION_CODES = Array.from({ length: 100 }, (_, i) => 200 + i);

/**
 * Cloud API error codes that refuse the business number or its account, not the message: every message
 * would get the same until someone fixes the account, so treating them as permanent would dead-letter the
 * whole queue. (Meta's error-code reference: 0 and 190 access token expired or revoked, 401; 3 capability
 * or permissions issue, 10, 200-299 and 131005 permission not granted or removed, 403; 368 temporarily
 * blocked for policy violations and 131031 account locked, 403; 131037 display name not yet approved,
 * 131042 business eligibility payment issue (no valid payment method, credit line over its limit) and
 * 133010 business number not registered, 400. Not 130497, a 403 too: it refuses the recipient's country.)
 */
export const META_ACCOUNT_ERROR_CODES: ReadonlySet<number> = new Set([
  0,
  3,
  10,
  190,
  ...API_PERMISSION_CODES,
  368,
  131005,
  131031,
  131037,
  131042,
  133010,
]);

/**
 * Graph API code 100 with subcode 33, "Object with ID … does not exist, cannot be loaded due to missing
 * permissions": on a send, the object is the business phone number id (META_PHONE_NUMBER_ID wrong, or a token
 * without access to that number), so every message would get it. Code 100 alone is a bad parameter of the
 * message itself (a text over the limit) and stays permanent.
 */
export const META_UNREACHABLE_OBJECT = { code: 100, subcode: 33 } as const;
