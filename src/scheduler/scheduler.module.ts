import { Module } from '@nestjs/common';
import { JobScheduler } from './job-scheduler';

@Module({ providers: [JobScheduler], exports: [JobScheduler] })
export class SchedulerModule {}
