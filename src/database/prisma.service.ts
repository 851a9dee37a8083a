import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client';
import { driverMessage } from './driver-message';

export interface PrismaServiceOptions {
  /** where the database is, for messages (never carries credentials) */
  readonly description?: string;
  /** closes what the adapter does not own (the embedded database), after the client disconnects */
  readonly onClose?: () => Promise<void>;
}

/** The service's only Prisma client. Built by DatabaseModule with the pg adapter or the embedded one. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly options: PrismaServiceOptions;

  constructor(adapter: SqlDriverAdapterFactory, options: PrismaServiceOptions = {}) {
    super({ adapter });
    this.options = options;
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
    // With a driver adapter $connect opens no connection; fail the boot now rather than on the first job.
    try {
      await this.$queryRaw`SELECT 1`;
    } catch (error) {
      const where = this.options.description ? ` at ${this.options.description}` : '';
      throw new Error(`cannot reach the database${where}: ${driverMessage(error)}`, { cause: error });
    }
  }

  // Closed at application shutdown, after every onModuleDestroy (the scheduler drains running jobs there).
  async onApplicationShutdown(): Promise<void> {
    try {
      await this.$disconnect();
    } finally {
      await this.options.onClose?.();
    }
  }

  /** true when `SELECT 1` answers within timeoutMs; never throws (health checks use it) */
  async ping(timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const answered = this.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
