export class InvalidConfigurationError extends Error {
  constructor(readonly problems: ReadonlyArray<{ variable: string; message: string }>) {
    super(
      `Invalid configuration (${problems.length} variable${problems.length === 1 ? '' : 's'}): ` +
        problems.map(({ variable, message }) => `${variable} ${message}`).join('; '),
    );
    this.name = 'InvalidConfigurationError';
  }
}
