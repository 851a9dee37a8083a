import { SetMetadata } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

export const SCHEDULE_FROM_CONFIG = 'whats-workers:schedule-from-config';

/** Interval length taken from the configuration at boot, e.g. QUEUE_POLL_INTERVAL for the queue worker. */
export type ConfiguredInterval = (config: AppConfig) => number;

/**
 * Decorator arguments cannot read the configuration (it is validated at boot, not at import), so a job
 * whose period is a setting keeps its @Interval default and names the setting here; JobExplorer applies
 * it. JOB_SCHEDULE_OVERRIDES still wins.
 */
export const IntervalFromConfig = (milliseconds: ConfiguredInterval) =>
  SetMetadata(SCHEDULE_FROM_CONFIG, milliseconds);
