import { Global, Module } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppConfig } from '../config/app-config';
import { PrismaService } from './prisma.service';

// TODO(database): embedded PGlite when DATABASE_URL is unset
@Global()
@Module({
  providers: [
    {
      provide: PrismaService,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new PrismaService(new PrismaPg({ connectionString: config.DATABASE_URL })),
    },
  ],
  exports: [PrismaService],
})
export class DatabaseModule {}
