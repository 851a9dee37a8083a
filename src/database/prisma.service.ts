import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client';

/** The service's only Prisma client. Built by DatabaseModule with the pg adapter or the embedded one. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(adapter: SqlDriverAdapterFactory) {
    super({ adapter });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
