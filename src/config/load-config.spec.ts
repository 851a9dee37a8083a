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
