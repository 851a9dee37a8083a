import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { createPrismaService } from './prisma-service.factory';
import { PrismaService } from './prisma.service';

/** PrismaService for everyone: PostgreSQL at DATABASE_URL, or the embedded database (migrated at start-up). */
@Global()
@Module({
  providers: [{ provide: PrismaService, inject: [AppConfig], useFactory: createPrismaService }],
  exports: [PrismaService],
})
export class DatabaseModule {}
