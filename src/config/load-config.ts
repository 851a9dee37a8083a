import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig } from './app-config';
import { envSchema } from './env.schema';
import { InvalidConfigurationError } from './invalid-configuration.error';
import { parseScheduleOverrides } from './schedule-overrides';

export interface ConfigOptions {
  /**
   * The job names JOB_SCHEDULE_OVERRIDES may use. The entry points pass the service's jobs, so a typo is
   * reported with the other bad variables, before anything is reached; without it only the syntax is
   * checked here (tests register jobs of their own) and the scheduler checks the names at start-up.
   */
  readonly jobNames?: readonly string[];
}

/**
 * Validates the whole environment once; throws InvalidConfigurationError naming every bad variable.
 * Values are never echoed back: some of them are secrets.
 */
export function parseConfig(
  source: Record<string, string | undefined>,
  options: ConfigOptions = {},
): AppConfig {
  const result = envSchema.safeParse(source);
  const problems = new Map<string, string[]>();
  const report = (variable: string, message: string) =>
    problems.set(variable, [...(problems.get(variable) ?? []), message]);
  if (!result.success)
    for (const issue of result.error.issues) report(String(issue.path[0] ?? 'environment'), issue.message);
  const unknownJobs = options.jobNames ? unknownOverrideNames(source, options.jobNames) : [];
  if (unknownJobs.length)
    report(
      'JOB_SCHEDULE_OVERRIDES',
      `names unknown job(s) ${unknownJobs.join(', ')}; valid names: ${options.jobNames!.join(', ')}`,
    );
  if (result.success && !problems.size) return new AppConfig(result.data);
  throw new InvalidConfigurationError(
    [...problems].map(([variable, messages]) => ({ variable, message: [...new Set(messages)].join(', ') })),
  );
}

/** Reads `.env` from the working directory when present (real environment variables win), then validates. */
export function loadConfig(envFile = resolve(process.cwd(), '.env'), options: ConfigOptions = {}): AppConfig {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env, options);
}

function unknownOverrideNames(
  source: Record<string, string | undefined>,
  jobNames: readonly string[],
): string[] {
  let overrides: ReadonlyMap<string, unknown>;
  try {
    overrides = parseScheduleOverrides(source.JOB_SCHEDULE_OVERRIDES ?? '');
  } catch {
    return []; // the schema reports a malformed value
  }
  return [...overrides.keys()].filter((name) => !jobNames.includes(name));
}
