/**
 * Optional listener told how long each successful claim of a batch took (metrics implement it), so the
 * queue worker knows nothing about Prometheus. An observer that throws never affects the poll.
 */
export abstract class ClaimObserver {
  abstract claimFinished(seconds: number): void;
}
