import { z } from 'zod';
import { internationalPhoneDigits } from '../common/phone-number';
import { parseBusinessHours } from './business-hours';
import { parseScheduleOverrides } from './schedule-overrides';

// Empty strings are treated as "unset", so `SLACK_WEBHOOK_URL=` in a .env file means "no Slack". Spaces
// around a value are dropped, as .env drops them; a platform's variables page or a secret file keeps them,
// and they break a value used as is: a key's final newline fails every request that sends it in a header,
// node-pg reads " postgresql://…" as a socket path, the admin API compares ADMIN_TOKEN trimmed.
const blankAsUnset = (value: unknown) => (typeof value === 'string' ? value.trim() || undefined : value);

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(blankAsUnset, wholeNumber(min, max).default(fallback));

/** unset stays undefined: the default is derived from another variable (AppConfig says how) */
const optionalInteger = (min: number, max: number) =>
  z.preprocess(blankAsUnset, wholeNumber(min, max).optional());

// `True`, `TRUE` or ` true` as an operator types it in a platform's variables page means true, not a bad value
const boolean = (fallback: boolean) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .transform((value) => value === 'true' || value === '1' || value === 'yes')
      .default(fallback),
  );

const url = (protocols: readonly string[]) =>
  z.preprocess(
    blankAsUnset,
    z
      .string()
      .max(2048, 'is too long')
      .superRefine((value, ctx) => {
        if (URL.canParse(value) && protocols.includes(new URL(value).protocol)) return;
        // a password holding # ? or / (a generated one) cuts the URL short: asking for the scheme it has misleads
        const hasScheme = protocols.some((p) => value.toLowerCase().startsWith(`${p}//`));
        ctx.addIssue({
          code: 'custom',
          message: hasScheme
            ? 'is not a valid URL: a #, ?, / or : in the password must be percent-encoded (%23, %3F, %2F, %3A); check the port too'
            : `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
        });
      })
      .optional(),
  );

const text = (max = 1024) => z.preprocess(blankAsUnset, z.string().max(max, 'is too long').optional());

const timezone = z.preprocess(
  blankAsUnset,
  z
    .string()
    .refine((zone) => isValidTimeZone(zone), 'must be an IANA timezone such as America/Sao_Paulo')
    .default('America/Sao_Paulo'),
);

const businessHours = z.preprocess(
  blankAsUnset,
  z
    .string()
    .default('mon-fri 08:00-20:00')
    .transform((value, ctx) => {
      try {
        return parseBusinessHours(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
);

const phoneList = z.preprocess(
  blankAsUnset,
  z
    .string()
    .max(100_000, 'is too long')
    .default('')
    .transform((value, ctx) => {
      const written = value
        .split(',')
        .map((phone) => phone.trim())
        .filter(Boolean);
      // as leads.telefone holds them, so "(11) 98765-4321" matches the lead 5511987654321
      const phones = written.map(internationalPhoneDigits);
      const bad = phones.flatMap((phone, index) => (phone === null ? [index + 1] : []));
      if (bad.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `must list phone numbers, country code first (e.g. 5521999990000); entry ${bad.join(', ')} is not one`,
        });
      return phones.filter((phone): phone is string => phone !== null);
    }),
);

const instanceList = z.preprocess(
  blankAsUnset,
  z
    .string()
    .max(4096, 'is too long')
    .optional()
    // a name listed twice is one number: the rate limiter would give each entry its own share of the caps
    // and its own turn, so that number could send two proactive messages at once and past its hourly cap
    .transform((value) => [
      ...new Set(
        (value ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    ]),
);

const scheduleOverrides = z.preprocess(
  blankAsUnset,
  z
    .string()
    .max(10_000, 'is too long')
    .default('')
    .transform((value, ctx) => {
      try {
        return parseScheduleOverrides(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
);

// `120,240,480`: one wait per attempt, in whole seconds; the last one repeats for later attempts.
const secondsList = (fallback: string, max: number) =>
  z.preprocess(
    blankAsUnset,
    z
      .string()
      .default(fallback)
      .transform((value, ctx) => {
        const entries = value.split(',').map((entry) => entry.trim());
        const valid =
          entries.length <= 10 &&
          entries.every((entry) => /^\d{1,9}$/.test(entry) && Number(entry) >= 1 && Number(entry) <= max);
        if (!valid) {
          ctx.addIssue({
            code: 'custom',
            message: `must be 1 to 10 comma-separated whole seconds between 1 and ${max}, e.g. ${fallback}`,
          });
          return z.NEVER;
        }
        return entries.map(Number);
      }),
  );

const RATE_LIMIT_PER_HOUR_MAX = 100_000;
const CIRCUIT_SECONDS_MAX = 86_400;

export const envSchema = z
  .object({
    DATABASE_URL: url(['postgres:', 'postgresql:']),
    REDIS_URL: url(['redis:', 'rediss:']),
    REDIS_KEY_PREFIX: z.preprocess(
      blankAsUnset,
      z
        .string()
        .regex(/^[A-Za-z0-9_:.-]{0,64}$/, 'must be up to 64 letters, digits, _ : . -')
        .default(''),
    ),
    PORT: integer(8000, 1, 65535),
    WORKER_CONCURRENCY: integer(4, 1, 1000),
    QUEUE_POLL_INTERVAL: integer(30, 1, 3600),
    QUEUE_BATCH_SIZE: integer(100, 1, 1000),
    JOB_TIMEOUT: integer(300, 1, 86_400),
    SHUTDOWN_GRACE_PERIOD: integer(25, 0, 600),
    SCHEDULER_TIMEZONE: timezone,
    JOB_SCHEDULE_OVERRIDES: scheduleOverrides,
    APP_ENV: z.preprocess(
      blankAsUnset,
      z
        .string()
        .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a short lower-case name such as production or development')
        .default('development'),
    ),
    OUTBOUND_ALLOWLIST: phoneList,
    WHATSAPP_PROVIDER: z.preprocess(
      blankAsUnset,
      z
        .enum(['evolution', 'meta', 'console'], { error: 'must be evolution, meta or console' })
        .default('console'),
    ),
    EVOLUTION_API_URL: url(['http:', 'https:']),
    EVOLUTION_API_KEY: text(),
    EVOLUTION_INSTANCE: instanceList,
    META_API_URL: url(['http:', 'https:']).default('https://graph.facebook.com/v21.0'),
    META_PHONE_NUMBER_ID: text(),
    META_ACCESS_TOKEN: text(4096),
    SLACK_WEBHOOK_URL: url(['http:', 'https:']),
    ADMIN_TOKEN: z.preprocess(
      blankAsUnset,
      z.string().min(16, 'must be at least 16 characters').max(1024, 'is too long').optional(),
    ),
    RATE_LIMIT_PER_HOUR: integer(20, 1, RATE_LIMIT_PER_HOUR_MAX),
    RATE_LIMIT_PER_DAY: integer(100, 1, 1_000_000),
    RATE_LIMIT_PHONE_INTERVAL: integer(45, 0, 86_400),
    RATE_LIMIT_NUMBER_INTERVAL: optionalInteger(0, 86_400),
    BUSINESS_HOURS: businessHours,
    // ---- provider failures (SPEC fila_worker steps 3 and 5); tests shorten them, operators rarely need to ----
    RETRY_BACKOFF_SECONDS: secondsList('120,240,480', 86_400),
    CIRCUIT_OPEN_SECONDS: integer(300, 1, CIRCUIT_SECONDS_MAX),
    CIRCUIT_MAX_OPEN_SECONDS: integer(1800, 1, CIRCUIT_SECONDS_MAX),
    PROVIDER_TIMEOUT_SECONDS: integer(10, 1, 60),
    PILOT_MODE: boolean(true),
    BRIEFING_URL: url(['http:', 'https:']),
    LOG_LEVEL: z.preprocess(
      (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
      z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
          error: 'must be one of fatal, error, warn, info, debug, trace, silent',
        })
        .default('info'),
    ),
    RUN_MIGRATIONS: boolean(false),
    EMBEDDED_DATA_DIR: z.preprocess(blankAsUnset, z.string().max(4096).default('./.data')),
    // ---- grupos_worker: optional classifier provider (OpenAI-compatible chat completions endpoint) ----
    GRUPOS_CLASSIFIER_URL: url(['http:', 'https:']),
    GRUPOS_CLASSIFIER_API_KEY: text(4096),
    GRUPOS_CLASSIFIER_MODEL: z.preprocess(
      blankAsUnset,
      z.string().max(200, 'is too long').default('gpt-4o-mini'),
    ),
    // ---- end grupos_worker ----
  })
  .superRefine(
    (env, ctx) => {
      const require = (name: keyof typeof env, why: string) => {
        const value = env[name];
        if (value === undefined || (Array.isArray(value) && value.length === 0))
          ctx.addIssue({ code: 'custom', path: [name], message: `is required ${why}` });
      };
      if (env.WHATSAPP_PROVIDER === 'evolution') {
        for (const name of ['EVOLUTION_API_URL', 'EVOLUTION_API_KEY', 'EVOLUTION_INSTANCE'] as const)
          require(name, 'when WHATSAPP_PROVIDER=evolution');
      }
      if (env.WHATSAPP_PROVIDER === 'meta') {
        for (const name of ['META_PHONE_NUMBER_ID', 'META_ACCESS_TOKEN'] as const)
          require(name, 'when WHATSAPP_PROVIDER=meta');
      }
      const hourly: unknown = env.RATE_LIMIT_PER_HOUR;
      const hourlyValid = Number.isInteger(hourly) && (hourly as number) <= RATE_LIMIT_PER_HOUR_MAX;
      if (hourlyValid && env.RATE_LIMIT_PER_DAY < env.RATE_LIMIT_PER_HOUR)
        ctx.addIssue({
          code: 'custom',
          path: ['RATE_LIMIT_PER_DAY'],
          message: 'must not be lower than RATE_LIMIT_PER_HOUR',
        });
      const inRange = (value: unknown) =>
        Number.isInteger(value) && (value as number) >= 1 && (value as number) <= CIRCUIT_SECONDS_MAX;
      if (
        inRange(env.CIRCUIT_OPEN_SECONDS) &&
        inRange(env.CIRCUIT_MAX_OPEN_SECONDS) &&
        env.CIRCUIT_MAX_OPEN_SECONDS < env.CIRCUIT_OPEN_SECONDS
      )
        ctx.addIssue({
          code: 'custom',
          path: ['CIRCUIT_MAX_OPEN_SECONDS'],
          message: 'must not be lower than CIRCUIT_OPEN_SECONDS',
        });
    },
    // zod skips refinements after some field errors; these rules must run anyway so one message names every
    // bad variable (a field that failed on its own holds its raw value here, hence the guards)
    { when: () => true },
  );

export type Env = z.output<typeof envSchema>;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}
