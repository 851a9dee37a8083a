export class UnknownJobError extends Error {
  constructor(
    readonly jobName: string,
    readonly validNames: string[],
  ) {
    super(`unknown job "${jobName}"; valid names: ${validNames.join(', ')}`);
    this.name = 'UnknownJobError';
  }
}
