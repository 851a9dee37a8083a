import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client';
import { OperatorError } from '../common/operator-error';
import { driverMessage } from './driver-message';

// $disconnect waits for every connection to be handed back; one still running a statement (a row lock
// another session holds) would keep shutdown from ever finishing, and the platform would kill the process.
const DISCONNECT_TIMEOUT_MS = 3_000;

export interface PrismaServiceOptions {
  /** where the database is, for messages (never carries credentials) */
  readonly description?: string;
  /** closes what the adapter does not own (the embedded database), after the client disconnects */
  readonly onClose?: () => Promise<void>;
  /** migrations (prisma/migrations names) the database must have before anything runs on it */
  readonly requiredMigrations?: readonly string[];
}

/** The service's only Prisma client. Built by DatabaseModule with the pg adapter or the embedded one. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly options: PrismaServiceOptions;
  private readonly logger = new Logger('Database');

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
      // the operator's to fix (DATABASE_URL, the server): said in one line, without a stack
      throw new OperatorError(`cannot reach the database${where}: ${driverMessage(error)}`, { cause: error });
    }
    if (this.options.requiredMigrations) await this.checkMigrated(this.options.requiredMigrations);
  }

  /**
   * Code run on a database its migrations have not reached fails far from the cause (a job "skipped: lock
   * service unavailable" over a missing column, a stack trace naming some table): say what to run instead.
   */
  private async checkMigrated(required: readonly string[]): Promise<void> {
    const [{ recorded }] = await this.$queryRaw<[{ recorded: boolean }]>`
      SELECT to_regclass('_prisma_migrations') IS NOT NULL AS recorded`;
    const applied = recorded
      ? await this.$queryRaw<Array<{ name: string }>>`
          SELECT migration_name AS name FROM _prisma_migrations
           WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
      : [];
    const names = new Set(applied.map((row) => row.name));
    const missing = required.filter((name) => !names.has(name));
    if (missing.length === 0) return;
    const where = this.options.description ? ` at ${this.options.description}` : '';
    const list = missing.length > 3 ? `${missing.slice(0, 3).join(', ')}, …` : missing.join(', ');
    throw new OperatorError(
      `the database${where} lacks ${missing.length} of this version's migrations (${list}): ` +
        'run `npm run db:migrate` with this DATABASE_URL (the Docker image: RUN_MIGRATIONS=true), then start again',
    );
  }

  // Closed at application shutdown, after every onModuleDestroy (the scheduler drains running jobs there).
  async onApplicationShutdown(): Promise<void> {
    const disconnected = this.$disconnect().then(() => true);
    disconnected.catch(() => undefined); // a late failure, once given up on, is nobody's to report
    try {
      if (!(await settledWithin(disconnected, DISCONNECT_TIMEOUT_MS, false))) {
        const where = this.options.description ? ` to ${this.options.description}` : '';
        this.logger.warn(
          `database connections${where} still busy after ${DISCONNECT_TIMEOUT_MS} ms (a statement still running): closing without them`,
        );
      }
    } finally {
      await this.options.onClose?.();
    }
  }

  /** true when `SELECT 1` answers within timeoutMs; never throws (health checks use it) */
  async ping(timeoutMs = 2000): Promise<boolean> {
    const answered = this.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    return settledWithin(answered, timeoutMs, false);
  }
}

/** `promise`'s outcome, or `fallback` once `timeoutMs` has passed (the promise is not cancelled) */
async function settledWithin<T>(promise: Promise<T>, timeoutMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
