import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import type { ScheduleOverride } from '../config/schedule-overrides';
import { CronSchedule } from './cron-schedule';
import { IntervalSchedule } from './interval-schedule';
import type { JobDefinition } from './job-definition';
import type { JobSchedule } from './job-schedule';
import { SCHEDULE_FROM_CONFIG, type ConfiguredInterval } from './schedule-from-config.decorator';
import { JobRegistry } from './job-registry';
import { workerNameOf } from './job-names';
import type { JobHandler } from './job.types';

// Metadata keys written by @nestjs/schedule's @Cron/@Interval (not exported by the package).
const SCHEDULER_TYPE = 'SCHEDULER_TYPE';
const SCHEDULER_NAME = 'SCHEDULER_NAME';
const CRON_OPTIONS = 'SCHEDULE_CRON_OPTIONS';
const INTERVAL_OPTIONS = 'SCHEDULE_INTERVAL_OPTIONS';
// Values of @nestjs/schedule's SchedulerType (not exported either).
enum SchedulerType {
  CRON = 1,
  TIMEOUT = 2,
  INTERVAL = 3,
}

interface CronMetadata {
  cronTime: unknown;
  timeZone?: string;
}

/**
 * Finds every @Cron/@Interval method at boot and registers it as a job. The library's own
 * scheduling is never enabled, so a decorated method can only run through JobRunner.
 */
@Injectable()
export class JobExplorer implements OnModuleInit {
  private readonly logger = new Logger('scheduler');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.explore();
  }

  explore(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !Object.getPrototypeOf(instance)) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const definition = this.definitionFor(instance, method);
        if (definition) this.registry.register(definition);
      }
    }
    this.checkOverrides();
    this.logger.log({ msg: 'jobs registered', jobs: this.registry.names() });
  }

  private definitionFor(instance: Record<string, unknown>, method: string): JobDefinition | undefined {
    const target = instance[method];
    if (typeof target !== 'function') return undefined;
    const type = Reflect.getMetadata(SCHEDULER_TYPE, target) as SchedulerType | undefined;
    if (type === undefined) return undefined;
    const source = `${instance.constructor.name}.${method}`;
    if (type === SchedulerType.TIMEOUT)
      throw new Error(`${source}: @Timeout is not supported by the scheduler; use @Cron or @Interval`);
    const name = Reflect.getMetadata(SCHEDULER_NAME, target) as string | undefined;
    if (!name) throw new Error(`${source}: every job needs a name, e.g. @Cron(expr, { name: JobNames.x })`);
    const handler = (target as JobHandler).bind(instance) as JobHandler;
    return { name, source, handler, schedule: this.scheduleFor(name, type, target, source) };
  }

  private scheduleFor(name: string, type: SchedulerType, target: object, source: string): JobSchedule {
    const override = this.overrideFor(name);
    try {
      if (override?.kind === 'interval') return new IntervalSchedule(override.milliseconds);
      if (override?.kind === 'cron')
        return new CronSchedule(override.expression, this.config.SCHEDULER_TIMEZONE);
      const configured = Reflect.getMetadata(SCHEDULE_FROM_CONFIG, target) as ConfiguredInterval | undefined;
      if (configured) return new IntervalSchedule(configured(this.config));
      if (type === SchedulerType.INTERVAL) {
        const { timeout } = Reflect.getMetadata(INTERVAL_OPTIONS, target) as { timeout: number };
        return new IntervalSchedule(timeout);
      }
      const cron = Reflect.getMetadata(CRON_OPTIONS, target) as CronMetadata;
      if (typeof cron.cronTime !== 'string') throw new Error('the cron time must be an expression string');
      return new CronSchedule(cron.cronTime, cron.timeZone ?? this.config.SCHEDULER_TIMEZONE);
    } catch (error) {
      throw new Error(`${source}: bad schedule for job "${name}": ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** An override may name the job or its worker alias (`fila_worker=10s` sets `process_queue`). */
  private overrideFor(name: string): ScheduleOverride | undefined {
    const overrides = this.config.JOB_SCHEDULE_OVERRIDES;
    return overrides.get(name) ?? overrides.get(workerNameOf(name));
  }

  private checkOverrides(): void {
    const names = [...this.config.JOB_SCHEDULE_OVERRIDES.keys()];
    const unknown = names.filter((name) => !this.registry.has(name));
    if (unknown.length)
      throw new Error(
        `JOB_SCHEDULE_OVERRIDES names unknown job(s) ${unknown.join(', ')}; valid names: ${this.registry.names().join(', ')}`,
      );
    // a job and its worker alias both set: one schedule would be silently ignored
    for (const job of this.registry.names()) {
      const setting = names.filter((name) => this.registry.get(name).name === job);
      if (setting.length > 1)
        throw new Error(`JOB_SCHEDULE_OVERRIDES sets ${job} twice (${setting.sort().join(', ')}); keep one`);
    }
  }
}
