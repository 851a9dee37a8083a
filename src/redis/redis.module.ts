import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';
import { FencedLockService } from './fenced-lock.service';
import { InProcessLockService } from './in-process-lock.service';
import { PostgresLockService } from './postgres-lock.service';
import { LockService } from './lock.service';
import { RedisLockService } from './redis-lock.service';
import { RedisService } from './redis.service';

/**
 * RedisService and LockService for everyone. With DATABASE_URL every lock is also a `job_locks` lease in
 * PostgreSQL: behind the Redis lock (which a Redis restart forgets) or, without REDIS_URL, on its own, so
 * every process on the database excludes every other whatever its REDIS_URL. Without REDIS_URL, Redis's
 * other uses work inside this process only; with the embedded database (one process by design) locks
 * stay in this process.
 */
@Global()
@Module({
  providers: [
    RedisService,
    {
      provide: LockService,
      inject: [RedisService, AppConfig, { token: PrismaService, optional: true }],
      useFactory: (redis: RedisService, config: AppConfig, prisma?: PrismaService): LockService => {
        const postgres =
          config.DATABASE_URL !== undefined && prisma !== undefined ? new PostgresLockService(prisma) : null;
        if (!redis.isConfigured()) return postgres ?? new InProcessLockService();
        const locks = new RedisLockService(redis);
        return postgres === null ? locks : new FencedLockService(locks, postgres);
      },
    },
  ],
  exports: [RedisService, LockService],
})
export class RedisModule {}
