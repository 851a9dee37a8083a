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

export class JobLockLostError extends Error {
  constructor(how: string) {
    super(`job aborted: its lock was ${how}, another replica may run it`);
    this.name = 'JobLockLostError';
  }
}
