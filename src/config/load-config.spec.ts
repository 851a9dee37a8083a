import { configProblemsOf } from '../../test/utils/config-problems';
import { parseConfig } from './load-config';

describe('parseConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config).toMatchObject({
      PORT: 8000,
      WORKER_CONCURRENCY: 4,
      QUEUE_POLL_INTERVAL: 30,
      JOB_TIMEOUT: 300,
      SCHEDULER_TIMEZONE: 'America/Sao_Paulo',
      APP_ENV: 'development',
      OUTBOUND_ALLOWLIST: [],
      WHATSAPP_PROVIDER: 'console',
      META_API_URL: 'https://graph.facebook.com/v21.0',
      RATE_LIMIT_PER_HOUR: 20,
      RATE_LIMIT_PER_DAY: 100,
      RATE_LIMIT_PHONE_INTERVAL: 45,
      PILOT_MODE: true,
      LOG_LEVEL: 'info',
    });
    expect(config.BUSINESS_HOURS).toEqual({
      days: new Set([1, 2, 3, 4, 5]),
      startMinute: 480,
      endMinute: 1200,
    });
    expect(config.usesEmbeddedDatabase).toBe(true);
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ PORT: '', SLACK_WEBHOOK_URL: '  ' })).toMatchObject({
      PORT: 8000,
      SLACK_WEBHOOK_URL: undefined,
    });
  });

  it('ignores spaces around any value, as .env does, also when the platform passes them', () => {
    const config = parseConfig({
      SCHEDULER_TIMEZONE: ' America/Recife ',
      WHATSAPP_PROVIDER: 'console\n',
      APP_ENV: 'production ',
      REDIS_KEY_PREFIX: ' staging: ',
      EMBEDDED_DATA_DIR: './local-data ',
    });
    expect(config).toMatchObject({
      SCHEDULER_TIMEZONE: 'America/Recife',
      WHATSAPP_PROVIDER: 'console',
      APP_ENV: 'production',
      REDIS_KEY_PREFIX: 'staging:',
      EMBEDDED_DATA_DIR: './local-data',
    });
    expect(config.isProduction).toBe(true);
  });

  it('names every bad variable in one error', () => {
    const problems = configProblemsOf({
      PORT: 'eighty',
      WORKER_CONCURRENCY: '0',
      JOB_TIMEOUT: '-5',
      SCHEDULER_TIMEZONE: 'Mars/Olympus',
      WHATSAPP_PROVIDER: 'telegram',
      BUSINESS_HOURS: 'fri-mon 08:00-20:00',
      PILOT_MODE: 'maybe',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
    });
    expect(Object.keys(problems).sort()).toEqual(
      [
        'BUSINESS_HOURS',
        'DATABASE_URL',
        'JOB_TIMEOUT',
        'LOG_LEVEL',
        'PILOT_MODE',
        'PORT',
        'SCHEDULER_TIMEZONE',
        'WHATSAPP_PROVIDER',
        'WORKER_CONCURRENCY',
      ].sort(),
    );
    expect(problems.BUSINESS_HOURS).toMatch(/wraps/);
  });

  it('refuses a schedule override that names the same job twice, rather than keeping one of them', () => {
    const twice = 'process_queue=5s;temperature_decay=0 * * * *;process_queue=60s';
    expect(configProblemsOf({ JOB_SCHEDULE_OVERRIDES: twice }).JOB_SCHEDULE_OVERRIDES).toMatch(
      /process_queue is given twice/,
    );
  });

  it('refuses a day list it cannot read whole, rather than keeping part of it', () => {
    // "mon-tue-wed" once read as mon-tue: Wednesday silently dropped from business hours
    for (const value of ['mon-tue-wed 08:00-20:00', 'mon- 08:00-20:00', '-fri 08:00-20:00'])
      expect(configProblemsOf({ BUSINESS_HOURS: value }).BUSINESS_HOURS).toMatch(/day/);
  });

  it('reads business hours written with spaces after commas and around the dash, and 8:00 for 08:00', () => {
    const expected = parseConfig({ BUSINESS_HOURS: 'mon-fri,sat 08:00-12:00' }).BUSINESS_HOURS;
    expect(expected).toEqual({ days: new Set([1, 2, 3, 4, 5, 6]), startMinute: 480, endMinute: 720 });
    for (const value of [
      'mon-fri, sat 08:00-12:00',
      'Mon - Fri , Sat 08:00 - 12:00',
      'mon-fri,sat 8:00-12:00',
      '  mon-fri,  sat   08:00 -12:00 ',
    ])
      expect(parseConfig({ BUSINESS_HOURS: value }).BUSINESS_HOURS).toEqual(expected);
    for (const value of [
      'mon-fri,, sat 08:00-12:00',
      'mon-fri 08:00-12:00-14:00',
      'mon-fri 8-12',
      'mon-fri 008:00-12:00',
    ])
      expect(configProblemsOf({ BUSINESS_HOURS: value }).BUSINESS_HOURS).toBeDefined();
  });

  it("spreads the hour between a number's proactive messages unless RATE_LIMIT_NUMBER_INTERVAL says otherwise", () => {
    expect(parseConfig({}).numberIntervalMs).toBe(180_000);
    expect(parseConfig({ RATE_LIMIT_PER_HOUR: '1000', RATE_LIMIT_PER_DAY: '5000' }).numberIntervalMs).toBe(
      3_600,
    );
    expect(parseConfig({ RATE_LIMIT_PER_HOUR: '7000', RATE_LIMIT_PER_DAY: '7000' }).numberIntervalMs).toBe(
      514,
    );
    expect(parseConfig({ RATE_LIMIT_NUMBER_INTERVAL: '0' }).numberIntervalMs).toBe(0);
    expect(parseConfig({ RATE_LIMIT_NUMBER_INTERVAL: ' 30 ' }).numberIntervalMs).toBe(30_000);
    expect(configProblemsOf({ RATE_LIMIT_NUMBER_INTERVAL: '-1' }).RATE_LIMIT_NUMBER_INTERVAL).toMatch(
      /whole number/,
    );
    expect(configProblemsOf({ RATE_LIMIT_NUMBER_INTERVAL: '86401' }).RATE_LIMIT_NUMBER_INTERVAL).toMatch(
      /at most 86400/,
    );
  });

  it('reads true/false, 1/0 and yes/no as an operator writes them: any case, spaces around', () => {
    for (const value of ['true', 'TRUE', 'True', ' true ', '1', 'yes', 'Yes'])
      expect(parseConfig({ PILOT_MODE: value, RUN_MIGRATIONS: value })).toMatchObject({
        PILOT_MODE: true,
        RUN_MIGRATIONS: true,
      });
    for (const value of ['false', 'FALSE', 'False', ' false', '0', 'no', 'NO'])
      expect(parseConfig({ PILOT_MODE: value, RUN_MIGRATIONS: value })).toMatchObject({
        PILOT_MODE: false,
        RUN_MIGRATIONS: false,
      });
    expect(configProblemsOf({ PILOT_MODE: 'maybe' }).PILOT_MODE).toMatch(/must be true or false/);
  });

  it('takes WORKER_CONCURRENCY up to 1000, a wave as large as the largest batch', () => {
    expect(parseConfig({ WORKER_CONCURRENCY: '1000' }).WORKER_CONCURRENCY).toBe(1000);
    expect(configProblemsOf({ WORKER_CONCURRENCY: '1001' }).WORKER_CONCURRENCY).toMatch(/at most 1000/);
  });

  it('requires the chosen provider settings', () => {
    expect(Object.keys(configProblemsOf({ WHATSAPP_PROVIDER: 'evolution' })).sort()).toEqual([
      'EVOLUTION_API_KEY',
      'EVOLUTION_API_URL',
      'EVOLUTION_INSTANCE',
    ]);
    expect(Object.keys(configProblemsOf({ WHATSAPP_PROVIDER: 'meta' })).sort()).toEqual([
      'META_ACCESS_TOKEN',
      'META_PHONE_NUMBER_ID',
    ]);
  });

  it('says why a URL with a # ? or / in its password is refused, instead of asking for the scheme it has', () => {
    const problems = configProblemsOf({
      DATABASE_URL: 'postgresql://app:pa#ss@db.internal:5432/whats',
      REDIS_URL: 'redis://:pa/ss@cache.internal:6379',
      SLACK_WEBHOOK_URL: 'hooks.slack.com/services/T0/B0/x',
    });
    expect(problems.DATABASE_URL).toMatch(/not a valid URL.*percent-encode/);
    expect(problems.DATABASE_URL).not.toMatch(/starting with/);
    expect(problems.REDIS_URL).toMatch(/not a valid URL.*percent-encode/);
    expect(problems.SLACK_WEBHOOK_URL).toMatch(/must be a URL starting with http:\/\/ or https:\/\//);
    expect(configProblemsOf({ DATABASE_URL: 'mysql://u:p@h/db' }).DATABASE_URL).toMatch(
      /must be a URL starting with postgres:\/\/ or postgresql:\/\//,
    );
    // an @ in the password still parses (the last @ ends it), as node-pg reads it
    expect(
      parseConfig({ DATABASE_URL: 'postgresql://app:p@ss@db.internal/whats' }).DATABASE_URL,
    ).toBeDefined();
  });

  it('counts the 16 characters of ADMIN_TOKEN without the spaces around it, which the admin API ignores', () => {
    expect(configProblemsOf({ ADMIN_TOKEN: `abc${' '.repeat(20)}` }).ADMIN_TOKEN).toMatch(/at least 16/);
    expect(configProblemsOf({ ADMIN_TOKEN: '\n  0123456789  \n' }).ADMIN_TOKEN).toMatch(/at least 16/);
    expect(parseConfig({ ADMIN_TOKEN: ' 0123456789abcdef\n' }).ADMIN_TOKEN?.trim()).toBe('0123456789abcdef');
  });

  it('drops the newline a secret made from a file ends with: sent in a header, it failed every request', () => {
    const config = parseConfig({
      WHATSAPP_PROVIDER: 'meta',
      META_PHONE_NUMBER_ID: ' 123456789012345\n',
      META_ACCESS_TOKEN: 'EAAtoken\n',
      EVOLUTION_API_KEY: '  evolution-key\r\n',
      GRUPOS_CLASSIFIER_API_KEY: 'sk-classifier\n',
      GRUPOS_CLASSIFIER_MODEL: 'gpt-4o-mini\n',
    });
    expect(config).toMatchObject({
      META_PHONE_NUMBER_ID: '123456789012345',
      META_ACCESS_TOKEN: 'EAAtoken',
      EVOLUTION_API_KEY: 'evolution-key',
      GRUPOS_CLASSIFIER_API_KEY: 'sk-classifier',
      GRUPOS_CLASSIFIER_MODEL: 'gpt-4o-mini',
    });
  });

  it('keeps no space around a URL: node-pg read " postgresql://…" as a socket directory named "base"', () => {
    const config = parseConfig({
      DATABASE_URL: ' postgresql://app:secret@db.internal:5432/whats ',
      REDIS_URL: 'redis://cache.internal:6379\n',
      SLACK_WEBHOOK_URL: '\thttps://hooks.slack.com/services/T0/B0/x ',
    });
    expect(config).toMatchObject({
      DATABASE_URL: 'postgresql://app:secret@db.internal:5432/whats',
      REDIS_URL: 'redis://cache.internal:6379',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x',
    });
  });

  it('never echoes a secret value in the message', () => {
    let message = '';
    try {
      parseConfig({ ADMIN_TOKEN: 'short-secret', DATABASE_URL: 'postgresql:/broken secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ADMIN_TOKEN/);
    expect(message).not.toMatch(/short-secret|broken secret/);
  });

  it('names the allowlist entries that are not phone numbers, without echoing them', () => {
    let message = '';
    try {
      parseConfig({ OUTBOUND_ALLOWLIST: '5511987654321, 0800 123 4567, +51 98765-4321, 12345' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/OUTBOUND_ALLOWLIST.*entry 2, 3, 4 is not one/);
    expect(message).not.toMatch(/98765|0800|12345/);
  });

  it('reads an allowlist entry shaped like a Brazilian number without 55 as Brazilian, as the queue does (README: Phone numbers)', () => {
    // a Danish number is 45 + 8 digits: the same shape as a Brazilian landline without 55 (DDD 45, Foz do Iguaçu)
    expect(configProblemsOf({ OUTBOUND_ALLOWLIST: '+45 3212 3456' }).OUTBOUND_ALLOWLIST).toMatch(
      /entry 1 is not one/,
    );
    expect(parseConfig({ OUTBOUND_ALLOWLIST: '4532123456' }).OUTBOUND_ALLOWLIST).toEqual(['554532123456']);
    expect(parseConfig({ OUTBOUND_ALLOWLIST: '+1 212 555 1234' }).OUTBOUND_ALLOWLIST).toEqual([
      '12125551234',
    ]);
  });

  it('parses several sending numbers, phone allowlists and schedule overrides', () => {
    const config = parseConfig({
      WHATSAPP_PROVIDER: 'evolution',
      EVOLUTION_API_URL: 'http://127.0.0.1:9000',
      EVOLUTION_API_KEY: 'k',
      EVOLUTION_INSTANCE: 'numero1, numero2,numero1',
      OUTBOUND_ALLOWLIST: '+55 11 98765-4321,5521912345678, (51) 98765-4321',
      JOB_SCHEDULE_OVERRIDES: 'temperature_decay=*/5 * * * *;process_queue=2s',
    });
    expect(config.EVOLUTION_INSTANCE).toEqual(['numero1', 'numero2']);
    expect(config.OUTBOUND_ALLOWLIST).toEqual(['5511987654321', '5521912345678', '5551987654321']);
    expect([...config.JOB_SCHEDULE_OVERRIDES]).toEqual([
      ['temperature_decay', { kind: 'cron', expression: '*/5 * * * *' }],
      ['process_queue', { kind: 'interval', milliseconds: 2000 }],
    ]);
  });
});
