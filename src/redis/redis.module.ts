import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';
import { InProcessLockService } from './in-process-lock.service';
import { PostgresLockService } from './postgres-lock.service';
import { LockService } from './lock.service';
import { RedisLockService } from './redis-lock.service';
import { RedisService } from './redis.service';

/**
 * RedisService and LockService for everyone. Without REDIS_URL, Redis's other uses work inside this
 * process only; locks go to PostgreSQL when DATABASE_URL is set (so `npm run job` and the service still
 * exclude each other), and stay in this process with the embedded database (one process by design).
 */
@Global()
@Module({
  providers: [
    RedisService,
    {
      provide: LockService,
      inject: [RedisService, AppConfig, { token: PrismaService, optional: true }],
      useFactory: (redis: RedisService, config: AppConfig, prisma?: PrismaService): LockService => {
        if (redis.isConfigured()) return new RedisLockService(redis);
        if (config.DATABASE_URL !== undefined && prisma !== undefined) return new PostgresLockService(prisma);
        return new InProcessLockService();
      },
    },
  ],
  exports: [RedisService, LockService],
})
export class RedisModule {}
