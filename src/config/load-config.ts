import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig } from './app-config';
import { envSchema } from './env.schema';
import { InvalidConfigurationError } from './invalid-configuration.error';

/**
 * Validates the whole environment once; throws InvalidConfigurationError naming every bad variable.
 * Values are never echoed back: some of them are secrets.
 */
export function parseConfig(source: Record<string, string | undefined>): AppConfig {
  const result = envSchema.safeParse(source);
  if (result.success) return new AppConfig(result.data);
  const problems = new Map<string, string[]>();
  for (const issue of result.error.issues) {
    const variable = String(issue.path[0] ?? 'environment');
    problems.set(variable, [...(problems.get(variable) ?? []), issue.message]);
  }
  throw new InvalidConfigurationError(
    [...problems].map(([variable, messages]) => ({ variable, message: [...new Set(messages)].join(', ') })),
  );
}

/** Reads `.env` from the working directory when present (real environment variables win), then validates. */
export function loadConfig(envFile = resolve(process.cwd(), '.env')): AppConfig {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env);
}
