/**
 * A failure the operator causes and can fix (a resource in use, a setting to change): its message says
 * what to do, so start-up prints the message alone, not a stack trace.
 */
export class OperatorError extends Error {
  override readonly name: string = 'OperatorError';
}

/** What a process prints when it cannot start or finish: the message of an OperatorError, else the stack. */
export function failureText(error: unknown): string {
  if (error instanceof OperatorError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
