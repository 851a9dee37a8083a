import { InvalidConfigurationError } from '../../src/config/invalid-configuration.error';
import { parseConfig } from '../../src/config/load-config';

/** The problems parseConfig reports for this environment, by variable; fails when it is accepted. */
export function configProblemsOf(env: Record<string, string>): Record<string, string> {
  try {
    parseConfig(env);
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    return Object.fromEntries(error.problems.map(({ variable, message }) => [variable, message]));
  }
  throw new Error('expected the configuration to be rejected');
}
