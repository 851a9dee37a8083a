import { Module } from '@nestjs/common';

// TODO(health): Terminus /health and /health/workers
@Module({})
export class HealthModule {}
