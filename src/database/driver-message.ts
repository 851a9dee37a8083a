/**
 * The driver's own words from a failed query: Prisma's message starts with lines naming the call and
 * quoting our source, and ends with the driver's message, which is all a log or a reason needs.
 */
export function driverMessage(error: unknown, limit = 300): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? 'unknown error').slice(0, limit);
}

/** An error thrown by Prisma's client (PrismaClientKnownRequestError, PrismaClientUnknownRequestError, ...). */
export function isPrismaError(error: unknown): error is Error {
  return error instanceof Error && error.name.startsWith('PrismaClient');
}
