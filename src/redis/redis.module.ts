import { Global, Module } from '@nestjs/common';
import { InProcessLockService } from './in-process-lock.service';
import { LockService } from './lock.service';
import { RedisLockService } from './redis-lock.service';
import { RedisService } from './redis.service';

/** RedisService and LockService for everyone; without REDIS_URL both work inside this process only. */
@Global()
@Module({
  providers: [
    RedisService,
    {
      provide: LockService,
      inject: [RedisService],
      useFactory: (redis: RedisService): LockService =>
        redis.isConfigured() ? new RedisLockService(redis) : new InProcessLockService(),
    },
  ],
  exports: [RedisService, LockService],
})
export class RedisModule {}
