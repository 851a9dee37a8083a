/** `paused`: an operator paused the worker's job; nothing is sent, on purpose, so it is not a failure */
export type QueueWorkerState = 'healthy' | 'paused' | 'stale' | 'not_configured';

/**
 * What /health/workers reports as `fila_worker`. The queue worker's module provides an implementation
 * (`{ provide: QueueWorkerHealth, useExisting: FilaWorkerHealth }`, no export needed): HealthModule finds
 * it anywhere in the application. Without one the answer is `not_configured`, which is healthy.
 */
export abstract class QueueWorkerHealth {
  /** `stale` when the worker should be polling and is not (e.g. no poll for several intervals) */
  abstract state(): QueueWorkerState | Promise<QueueWorkerState>;

  /** why it is stale or paused, for operators (e.g. "sending paused: Redis unreachable"); null when unknown */
  reason(): string | null {
    return null;
  }
}

export class NotConfiguredQueueWorkerHealth extends QueueWorkerHealth {
  state(): QueueWorkerState {
    return 'not_configured';
  }
}
