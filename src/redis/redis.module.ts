import { Global, Module } from '@nestjs/common';

// TODO(redis): RedisService, LockService (Redis or in-process)
@Global()
@Module({})
export class RedisModule {}
