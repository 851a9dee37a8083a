import { ServiceUnavailableException } from '@nestjs/common';
import type { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import { ADMIN_READ_TIMEOUT_MS } from './admin.constants';

const SECONDS = ADMIN_READ_TIMEOUT_MS / 1000;

/**
 * The admin repositories' reads: one transaction whose statements the server cancels after
 * ADMIN_READ_TIMEOUT_MS, so a read stuck behind a lock gives its pooled connection back in seconds, and the
 * operator gets a 503 that says so instead of a request that hangs.
 */
export async function boundedRead<T>(
  prisma: PrismaService,
  read: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  try {
    return await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('statement_timeout', ${String(ADMIN_READ_TIMEOUT_MS)}, true)`;
        return read(tx);
      },
      // the server's cancellation comes first; this only bounds a transaction that never gets a connection
      { maxWait: ADMIN_READ_TIMEOUT_MS, timeout: ADMIN_READ_TIMEOUT_MS + 2_000 },
    );
  } catch (error) {
    if (isCancelled(error))
      throw new ServiceUnavailableException(
        `the database did not answer within ${SECONDS} s (a table lock or a long query); try again`,
      );
    throw error;
  }
}

/** statement_timeout (PostgreSQL 57014), or no transaction within the time (Prisma P2028) */
function isCancelled(error: unknown): boolean {
  const { code, meta } = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { code?: unknown } } };
  };
  return code === 'P2028' || meta?.driverAdapterError?.cause?.code === '57014';
}
