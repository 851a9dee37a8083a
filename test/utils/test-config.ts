import { AppConfig } from '../../src/config/app-config';
import { parseConfig } from '../../src/config/load-config';

/** A validated configuration for tests: defaults, plus what the test says. */
export function testConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  return parseConfig({ LOG_LEVEL: 'warn', ...overrides });
}
