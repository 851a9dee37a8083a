/**
 * Why a global `fetch` failed: it says only "fetch failed" and keeps the reason in its cause, the network's
 * code when there is one (ECONNREFUSED, ENOTFOUND, …), else the cause's own words ("bad port"); an error
 * without a cause (an abort's reason, "shutting down") speaks for itself.
 */
export function fetchFailureReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
