import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../src/config/app-config';
import { envSchema } from '../../src/config/env.schema';
import { InvalidConfigurationError } from '../../src/config/invalid-configuration.error';
import { parseConfig } from '../../src/config/load-config';
import { CronSchedule } from '../../src/scheduler/cron-schedule';
import { IntervalSchedule } from '../../src/scheduler/interval-schedule';

// Every variable of the schema, so a variable added later is fuzzed too.
const VARIABLES = Object.keys(envSchema.shape) as Array<keyof typeof envSchema.shape>;

// A marker no error message can contain by chance: if it shows up, a secret leaked.
const MARK = `Sx${randomUUID().replace(/-/g, '')}`;
const SHORT_MARK = MARK.slice(0, 10);

const SECRETS: Readonly<Record<string, readonly string[]>> = {
  ADMIN_TOKEN: [MARK, SHORT_MARK, `${MARK}${'k'.repeat(2000)}`, ` ${MARK} `],
  EVOLUTION_API_KEY: [MARK, `${MARK}${'k'.repeat(2000)}`],
  META_ACCESS_TOKEN: [MARK, `${MARK}${'k'.repeat(5000)}`],
  GRUPOS_CLASSIFIER_API_KEY: [MARK, `${MARK}${'k'.repeat(5000)}`],
  DATABASE_URL: [
    `postgres://user:${MARK}@127.0.0.1:5432/db`,
    `mysql://user:${MARK}@127.0.0.1/db`,
    `postgres://user:${MARK}@${'h'.repeat(3000)}/db`,
    `postgres://user:${SHORT_MARK} x@[::1/db`,
    `user:${MARK}@127.0.0.1/db`,
  ],
  REDIS_URL: [`redis://:${MARK}@127.0.0.1:6379/0`, `http://:${MARK}@127.0.0.1:6379`],
  SLACK_WEBHOOK_URL: [
    `https://hooks.slack.com/services/${MARK}`,
    `hooks.slack.com/services/${MARK}`,
    `ftp://hooks.slack.com/${MARK}`,
    `https://hooks.slack.com/services/${MARK}/${'x'.repeat(3000)}`,
  ],
};

// Plausible values, some just outside the rules, so that the success path and the cross-variable rules run.
const PLAUSIBLE: Readonly<Record<string, readonly string[]>> = {
  REDIS_KEY_PREFIX: ['app:', 'a b', 'x'.repeat(65)],
  PORT: ['8000', '1', '65535', '65536', '0', ' 8080 '],
  SCHEDULER_TIMEZONE: ['UTC', 'America/Sao_Paulo', 'Europe/Lisbon', 'Mars/Olympus', 'EST', '+03:00'],
  JOB_SCHEDULE_OVERRIDES: [
    'temperature_decay=*/5 * * * *',
    'process_queue=2s',
    'process_queue=0.05s',
    'temperature_decay=garbage',
    'temperature_decay=0 0 30 2 *',
    'process_queue=99999999999999999999s',
    'a=b=c',
    ';;;',
    'x',
  ],
  APP_ENV: ['production', 'development', 'staging', 'Production'],
  OUTBOUND_ALLOWLIST: ['5511900000001', '+55 (11) 90000-0001, 5511900000002', 'abc', ',,,'],
  WHATSAPP_PROVIDER: ['evolution', 'meta', 'console', 'Evolution', ' meta'],
  EVOLUTION_API_URL: [
    'http://127.0.0.1:8080',
    'https://evo.example.com/api',
    'ftp://x',
    'javascript:alert(1)',
  ],
  EVOLUTION_INSTANCE: ['numero1', 'numero1, numero2', ' , '],
  META_API_URL: ['https://graph.facebook.com/v21.0', 'graph.facebook.com'],
  META_PHONE_NUMBER_ID: ['123456'],
  BUSINESS_HOURS: [
    'mon-fri 08:00-20:00',
    'sat-sun 00:00-24:00',
    'fri-mon 08:00-20:00',
    'mon-fri 25:00-26:00',
    'mon 08:00-08:00',
    'mon-fri 8:00-20:00',
  ],
  PILOT_MODE: ['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'maybe'],
  RUN_MIGRATIONS: ['true', 'false', 'maybe'],
  LOG_LEVEL: ['debug', 'INFO', ' warn ', 'loud'],
  BRIEFING_URL: ['https://docs.example.com/briefing.txt', 'file:///etc/passwd'],
  GRUPOS_CLASSIFIER_URL: ['http://127.0.0.1:1/v1/chat/completions'],
  RATE_LIMIT_PER_HOUR: ['1', '20', '100000', '100001'],
  RATE_LIMIT_PER_DAY: ['1', '19', '100', '1000000', '1000001'],
  RATE_LIMIT_NUMBER_INTERVAL: ['0', '180', '86400', '86401'],
};

const HUGE = [
  '9'.repeat(102_400),
  'x'.repeat(102_400),
  ' '.repeat(102_400),
  '🚀'.repeat(51_200),
  'a,'.repeat(51_200),
];

const ODD = [
  '',
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\u200b',
  '\ufeff',
  '0',
  '-0',
  '-1',
  '-65535',
  '1.5',
  '0.0',
  '1e3',
  '0x10',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  '[]',
  '{}',
  '٣',
  '８０',
  '🚀',
  'שלום עולם',
  '\u202etxt.exe',
  "'; DROP TABLE leads; --",
  '$(id)',
];

const oddValue = fc.oneof(
  fc.constantFrom(...ODD),
  fc.constantFrom(...HUGE),
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

function valueFor(variable: string): fc.Arbitrary<string> {
  const options: Array<fc.Arbitrary<string>> = [oddValue];
  const plausible = PLAUSIBLE[variable];
  if (plausible) {
    options.push(fc.constantFrom(...plausible));
    options.push(fc.constantFrom(...plausible).map((value) => ` \t${value}\n`));
  }
  const secrets = SECRETS[variable];
  if (secrets) options.push(fc.constantFrom(...secrets), fc.constantFrom(...secrets));
  return fc.oneof(...options);
}

const environment = fc.record(
  Object.fromEntries(VARIABLES.map((name) => [name, valueFor(name)])) as Record<string, fc.Arbitrary<string>>,
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, string>>;

type Outcome = { config: AppConfig } | { problems: Map<string, string>; message: string };

/** parseConfig's answer; anything thrown other than InvalidConfigurationError fails the test. */
function outcomeOf(env: Record<string, string>): Outcome {
  try {
    return { config: parseConfig(env) };
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    return {
      problems: new Map(error.problems.map(({ variable, message }) => [variable, message])),
      message: error.message,
    };
  }
}

/** The variables that must be named: each one invalid on its own, plus the documented cross-variable rules. */
function expectedBadVariables(env: Record<string, string>): Set<string> {
  const field = (name: keyof typeof envSchema.shape) => {
    const given = env[name] !== undefined;
    const parsed = envSchema.shape[name].safeParse(env[name]);
    return { given, good: parsed.success, value: parsed.success ? (parsed.data as unknown) : undefined };
  };
  const bad = new Set(VARIABLES.filter((name) => !field(name).good));
  const missing = (name: keyof typeof envSchema.shape) => {
    const { value } = field(name);
    return value === undefined || (Array.isArray(value) && value.length === 0);
  };
  const provider = field('WHATSAPP_PROVIDER');
  const required =
    provider.value === 'evolution'
      ? (['EVOLUTION_API_URL', 'EVOLUTION_API_KEY', 'EVOLUTION_INSTANCE'] as const)
      : provider.value === 'meta'
        ? (['META_PHONE_NUMBER_ID', 'META_ACCESS_TOKEN'] as const)
        : [];
  for (const name of required) if (missing(name)) bad.add(name);
  const hour = field('RATE_LIMIT_PER_HOUR');
  const day = field('RATE_LIMIT_PER_DAY');
  if (hour.good && day.good && (day.value as number) < (hour.value as number)) bad.add('RATE_LIMIT_PER_DAY');
  const open = field('CIRCUIT_OPEN_SECONDS');
  const maxOpen = field('CIRCUIT_MAX_OPEN_SECONDS');
  if (open.good && maxOpen.good && (maxOpen.value as number) < (open.value as number))
    bad.add('CIRCUIT_MAX_OPEN_SECONDS');
  return bad;
}

/** What "a valid config" means beyond the types: the service can start with it. */
function expectUsable(config: AppConfig): void {
  expect(Number.isInteger(config.PORT) && config.PORT >= 1 && config.PORT <= 65_535).toBe(true);
  expect(config.RATE_LIMIT_PER_DAY).toBeGreaterThanOrEqual(config.RATE_LIMIT_PER_HOUR);
  expect(Number.isInteger(config.numberIntervalMs) && config.numberIntervalMs >= 0).toBe(true);
  expect(config.CIRCUIT_MAX_OPEN_SECONDS).toBeGreaterThanOrEqual(config.CIRCUIT_OPEN_SECONDS);
  const now = new Date();
  for (const [name, override] of config.JOB_SCHEDULE_OVERRIDES) {
    const schedule =
      override.kind === 'cron'
        ? new CronSchedule(override.expression, config.SCHEDULER_TIMEZONE)
        : new IntervalSchedule(override.milliseconds);
    const next = schedule.nextAfter(now);
    if (Number.isNaN(next.getTime()) || next <= now)
      throw new Error(`override for ${name} gives no usable next run: ${String(next)}`);
  }
}

function checkEnvironment(env: Record<string, string>): void {
  const outcome = outcomeOf(env);
  const expected = expectedBadVariables(env);
  if ('config' in outcome) {
    expect([...expected]).toEqual([]);
    expectUsable(outcome.config);
    return;
  }
  expect([...outcome.problems.keys()].sort()).toEqual([...expected].sort());
  for (const name of expected) expect(outcome.message).toContain(`${name} `);
  expect(outcome.message).not.toContain(SHORT_MARK);
  expect(outcome.message.length).toBeLessThan(5_000);
}

describe('configuration from a hostile environment (parseConfig)', () => {
  it.each(VARIABLES)(
    '%s: any single value is accepted or rejected by name, never thrown otherwise',
    (name) => {
      fc.assert(
        fc.property(valueFor(name), (value) => checkEnvironment({ [name]: value })),
        { numRuns: 150 },
      );
    },
  );

  it('any mix of values: exactly the bad variables are named, no secret value is echoed', () => {
    fc.assert(fc.property(environment, checkEnvironment), { numRuns: 400 });
  });

  it('names every variable at once when all of them are wrong', () => {
    const env = Object.fromEntries(VARIABLES.map((name) => [name, 'x'.repeat(102_400)]));
    const outcome = outcomeOf(env);
    expect('problems' in outcome).toBe(true);
    checkEnvironment(env);
  });

  it.each([
    ['a cron expression that does not parse', 'temperature_decay=garbage'],
    ['a cron expression that never fires', 'temperature_decay=0 0 30 2 *'],
    ['an interval too long for a date', 'process_queue=99999999999999999999s'],
  ])('JOB_SCHEDULE_OVERRIDES with %s is a configuration error', (_, value) => {
    const outcome = outcomeOf({ JOB_SCHEDULE_OVERRIDES: value });
    expect('problems' in outcome && [...outcome.problems.keys()]).toEqual(['JOB_SCHEDULE_OVERRIDES']);
  });

  it('a rate-limit value out of range is named alone, not its valid partner', () => {
    const outcome = outcomeOf({ RATE_LIMIT_PER_HOUR: '999999999', RATE_LIMIT_PER_DAY: '50' });
    expect('problems' in outcome && [...outcome.problems.keys()]).toEqual(['RATE_LIMIT_PER_HOUR']);
  });
});
