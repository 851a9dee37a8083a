import type { SendResult } from '../../whatsapp/whatsapp-provider';

/**
 * Optional listener told how long each provider call took and how it came out (metrics implement it), so
 * the queue worker knows nothing about Prometheus.
 */
export abstract class SendObserver {
  /** a provider call that happened: a withdrawn send never reached the provider and is not reported */
  abstract sendFinished(
    seconds: number,
    provider: string,
    result: Exclude<SendResult['kind'], 'withdrawn'>,
  ): void;
}
