import { AppConfig } from './config/app-config';
import { InvalidConfigurationError } from './config/invalid-configuration.error';
import { loadConfig } from './config/load-config';

/** Loads the configuration for an entry point; a bad environment stops the process with exit code 1. */
export function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
