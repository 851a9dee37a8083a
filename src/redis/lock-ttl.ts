/** PX needs a positive whole number of milliseconds; a fraction is rounded up, nonsense is refused. */
export function lockTtlMs(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(`lock TTL must be a positive number of ms, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}
