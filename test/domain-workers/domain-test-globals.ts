import { DynamicModule, Module } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { BusinessHoursCalendar } from '../../src/common/business-hours-calendar';
import { Clock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { PrismaService } from '../../src/database/prisma.service';
import { RedisService } from '../../src/redis/redis.service';

@Module({})
class DomainTestGlobals {}

/**
 * What the app module gives every worker (database, configuration, clock, business hours, Redis), for a test module that
 * imports only the worker under test. Each call builds its own PrismaService and Redis client, as a
 * replica would.
 */
export function domainTestGlobals(databaseUrl: string, config: AppConfig, clock: Clock): DynamicModule {
  return {
    module: DomainTestGlobals,
    global: true,
    providers: [
      {
        provide: PrismaService,
        useFactory: () => new PrismaService(new PrismaPg({ connectionString: databaseUrl })),
      },
      { provide: AppConfig, useValue: config },
      { provide: Clock, useValue: clock },
      { provide: BusinessHoursCalendar, useValue: BusinessHoursCalendar.fromConfig(config) },
      RedisService,
    ],
    exports: [PrismaService, AppConfig, Clock, BusinessHoursCalendar, RedisService],
  };
}
