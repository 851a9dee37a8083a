import { AppConfig } from './config/app-config';
import { InvalidConfigurationError } from './config/invalid-configuration.error';
import { loadConfig } from './config/load-config';
import { reportStartUpFailure } from './logging/start-up-failure';
import { JobAliases, JobNames } from './scheduler/job-names';

const SERVICE_JOB_NAMES = [...Object.values(JobNames), ...Object.keys(JobAliases)];

/**
 * Loads the configuration for an entry point; a bad environment stops the process with exit code 1. The
 * service also logs it as a JSON line (`npm run job`'s stdout is its summary alone, so it prints text only).
 */
export function configOrExit({ jsonLog = false } = {}): AppConfig {
  try {
    return loadConfig(undefined, { jobNames: SERVICE_JOB_NAMES });
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    if (jsonLog) reportStartUpFailure(error.message);
    else process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
