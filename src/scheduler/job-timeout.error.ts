export class JobTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`job exceeded JOB_TIMEOUT (${Math.round(timeoutMs / 1000)} s) and was aborted`);
    this.name = 'JobTimeoutError';
  }
}

export class JobInterruptedError extends Error {
  constructor() {
    super('job interrupted: the service is shutting down');
    this.name = 'JobInterruptedError';
  }
}
