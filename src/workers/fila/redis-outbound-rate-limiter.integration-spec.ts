import { Redis } from 'ioredis';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { quietNestLogs, testRedisPrefix } from '../../../test/utils/test-context';
import { testRedisUrl } from '../../../test/utils/test-database';
import { RedisService } from '../../redis/redis.service';
import { InProcessOutboundRateLimiter } from './in-process-outbound-rate-limiter';
import { OutboundRateLimiter, RateDecision, RateRequest } from './outbound-rate-limiter';
import { rateLimitSettings, RateLimitSettings } from './rate-limit.settings';
import { RateLimiterUnavailableError } from './rate-limiter-unavailable.error';
import { RedisOutboundRateLimiter } from './redis-outbound-rate-limiter';

// RedisService warns while Redis is down (the fail-closed test); TEST_LOGS=1 shows it
quietNestLogs();

const prefix = testRedisPrefix('rate');
const redisServices: RedisService[] = [];
let sequence = 0;

function connect(url = testRedisUrl): RedisService {
  const service = new RedisService(testConfig({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix }));
  redisServices.push(service);
  return service;
}

// no spacing between a number's messages unless a test asks for it: the caps are tested on their own
function settings(
  perHour: number,
  perDay: number,
  phoneIntervalSeconds = 45,
  numberIntervalSeconds = 0,
): RateLimitSettings {
  return rateLimitSettings(
    testConfig({
      RATE_LIMIT_PER_HOUR: String(perHour),
      RATE_LIMIT_PER_DAY: String(perDay),
      RATE_LIMIT_PHONE_INTERVAL: String(phoneIntervalSeconds),
      RATE_LIMIT_NUMBER_INTERVAL: String(numberIntervalSeconds),
      SCHEDULER_TIMEZONE: 'America/Sao_Paulo',
    }),
  );
}

/** phone numbers no other test of this file uses, so tests share nothing in Redis */
function freshNumbers(count: number): string[] {
  sequence++;
  return Array.from(
    { length: count },
    (_, i) => `55119${String(sequence).padStart(4, '0')}${String(i).padStart(4, '0')}`,
  );
}

function requests(count: number, preferredNumber: string | null = null, paced = true): RateRequest[] {
  return freshNumbers(count).map((phone) => ({ phone, preferredNumber, paced }));
}

const sentThrough = (decisions: RateDecision[]) =>
  decisions.map((decision) => (decision.allowed ? decision.sendingNumber : decision.reason));

afterAll(async () => {
  const cleaner = new Redis(testRedisUrl);
  const keys = await cleaner.keys(`${prefix}*`);
  if (keys.length > 0) await cleaner.del(...keys);
  await cleaner.quit();
  await Promise.all(redisServices.map((service) => service.onApplicationShutdown()));
});

type Build = (settings: RateLimitSettings, numbers: readonly string[]) => OutboundRateLimiter;
const sharedRedis = connect();

describe.each<[string, Build]>([
  ['Redis', (limits, numbers) => new RedisOutboundRateLimiter(sharedRedis.client!, limits, numbers)],
  ['in-process', (limits, numbers) => new InProcessOutboundRateLimiter(limits, numbers)],
])('%s outbound rate limiter', (_name, build) => {
  // Tuesday 2026-03-10 11:20 in São Paulo
  const clock = new FakeClock('2026-03-10T14:20:00Z');
  beforeAll(() => sharedRedis.waitUntilReady(5_000));
  beforeEach(() => clock.set('2026-03-10T14:20:00Z'));

  it('stops a number at the hourly cap and defers the rest to the next local hour', async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(3, 100), [number]);
    const decisions = await limiter.reserveBatch(requests(5), clock.now());
    expect(sentThrough(decisions)).toEqual([number, number, number, 'hourly_cap', 'hourly_cap']);
    expect(decisions[3]).toEqual({
      allowed: false,
      reason: 'hourly_cap',
      retryAt: new Date('2026-03-10T15:00:00Z'),
    });

    clock.set('2026-03-10T14:59:59Z');
    expect(sentThrough(await limiter.reserveBatch(requests(1), clock.now()))).toEqual(['hourly_cap']);
    clock.set('2026-03-10T15:00:00Z');
    expect(sentThrough(await limiter.reserveBatch(requests(4), clock.now()))).toEqual([
      number,
      number,
      number,
      'hourly_cap',
    ]);
  });

  it('stops a number at the daily cap and defers to the next local midnight', async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(5, 8), [number]);
    expect(sentThrough(await limiter.reserveBatch(requests(5), clock.now()))).toEqual(Array(5).fill(number));
    clock.set('2026-03-10T15:10:00Z');
    const decisions = await limiter.reserveBatch(requests(4), clock.now());
    expect(sentThrough(decisions)).toEqual([number, number, number, 'daily_cap']);
    // the local day ends at midnight in São Paulo, 03:00 UTC, not at midnight UTC
    expect(decisions[3]).toMatchObject({ retryAt: new Date('2026-03-11T03:00:00Z') });

    clock.set('2026-03-11T02:59:00Z');
    expect(sentThrough(await limiter.reserveBatch(requests(1), clock.now()))).toEqual(['daily_cap']);
    clock.set('2026-03-11T03:00:00Z');
    expect(sentThrough(await limiter.reserveBatch(requests(1), clock.now()))).toEqual([number]);
  });

  it('keeps the interval between two messages to one phone, across numbers, with an exact retry time', async () => {
    const numbers = freshNumbers(2);
    const limiter = build(settings(20, 100, 45), numbers);
    const [phone] = freshNumbers(1);
    const first = await limiter.reserveBatch(
      [
        { phone, preferredNumber: numbers[0], paced: true },
        { phone, preferredNumber: numbers[1], paced: true },
      ],
      clock.now(),
    );
    expect(first[0]).toEqual({ allowed: true, sendingNumber: numbers[0] });
    expect(first[1]).toEqual({
      allowed: false,
      reason: 'phone_interval',
      retryAt: new Date('2026-03-10T14:20:45Z'),
    });

    clock.advance(10_000);
    expect(
      await limiter.reserveBatch([{ phone, preferredNumber: numbers[1], paced: true }], clock.now()),
    ).toEqual([{ allowed: false, reason: 'phone_interval', retryAt: new Date('2026-03-10T14:20:45Z') }]);
    clock.set('2026-03-10T14:20:45Z');
    expect(
      await limiter.reserveBatch([{ phone, preferredNumber: numbers[1], paced: true }], clock.now()),
    ).toEqual([{ allowed: true, sendingNumber: numbers[1] }]);
  });

  it('checks the phone interval before the caps, and a deferred phone takes no capacity', async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(2, 100), [number]);
    const [phone] = freshNumbers(1);
    const batch = [phone, phone, phone].map((p) => ({ phone: p, preferredNumber: null, paced: true }));
    expect(sentThrough(await limiter.reserveBatch(batch, clock.now()))).toEqual([
      number,
      'phone_interval',
      'phone_interval',
    ]);
    expect(sentThrough(await limiter.reserveBatch(requests(2), clock.now()))).toEqual([number, 'hourly_cap']);
  });

  it('spreads the load over the least-used number', async () => {
    const numbers = freshNumbers(2);
    const limiter = build(settings(10, 100), numbers);
    expect(sentThrough(await limiter.reserveBatch(requests(4), clock.now()))).toEqual([
      numbers[0],
      numbers[1],
      numbers[0],
      numbers[1],
    ]);
  });

  it('keeps the preferred number while it has room, then moves to the other', async () => {
    const numbers = freshNumbers(2);
    const limiter = build(settings(3, 100), numbers);
    expect(sentThrough(await limiter.reserveBatch(requests(7, numbers[0]), clock.now()))).toEqual([
      numbers[0],
      numbers[0],
      numbers[0],
      numbers[1],
      numbers[1],
      numbers[1],
      'hourly_cap',
    ]);
  });

  it('gives a number whose circuit is open only its own leads (they wait for it there); the others go through the rest', async () => {
    const numbers = freshNumbers(2);
    const limiter = build(settings(10, 100), numbers);
    const down = new Set([numbers[0]]);
    const batch = [...requests(2, numbers[0]), ...requests(2)];
    expect(sentThrough(await limiter.reserveBatch(batch, clock.now(), down))).toEqual([
      numbers[0],
      numbers[0],
      numbers[1],
      numbers[1],
    ]);
  });

  it('defers to the next local hour when the only numbers with room have an open circuit', async () => {
    const numbers = freshNumbers(2);
    const limiter = build(settings(2, 100), numbers);
    const decisions = await limiter.reserveBatch(requests(3), clock.now(), new Set([numbers[0]]));
    expect(sentThrough(decisions)).toEqual([numbers[1], numbers[1], 'hourly_cap']);
    expect(decisions[2]).toMatchObject({ retryAt: new Date('2026-03-10T15:00:00Z') });
    expect(sentThrough(await limiter.reserveBatch(requests(2), clock.now(), new Set(numbers)))).toEqual([
      'hourly_cap',
      'hourly_cap',
    ]);
    // the number left out took nothing meanwhile
    expect(sentThrough(await limiter.reserveBatch(requests(3), clock.now()))).toEqual([
      numbers[0],
      numbers[0],
      'hourly_cap',
    ]);
  });

  it('ignores a preferred number that is not one of ours', async () => {
    const numbers = freshNumbers(1);
    const limiter = build(settings(3, 100), numbers);
    expect(sentThrough(await limiter.reserveBatch(requests(1, '5511000000000'), clock.now()))).toEqual(
      numbers,
    );
  });

  it('moves to the least-used number of the day, and reports the daily cap once all are full', async () => {
    const numbers = freshNumbers(2);
    const limiter = build(settings(2, 3), numbers);
    await limiter.reserveBatch(requests(3, numbers[0]), clock.now()); // numbers[0]: 2, numbers[1]: 1
    clock.set('2026-03-10T15:05:00Z');
    const decisions = await limiter.reserveBatch(requests(4), clock.now());
    // hour 12: numbers[0] has 2/3 today, numbers[1] 1/3 → three more fit, then both are full for the day
    expect(sentThrough(decisions)).toEqual([numbers[1], numbers[0], numbers[1], 'daily_cap']);
  });

  it('gives the capacity and the phone mark back on release', async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(1, 100), [number]);
    const [request, other] = requests(2);
    expect(sentThrough(await limiter.reserveBatch([request], clock.now()))).toEqual([number]);
    expect(sentThrough(await limiter.reserveBatch([other], clock.now()))).toEqual(['hourly_cap']);

    await limiter.release(request, number, clock.now());
    clock.advance(1_000);
    expect(sentThrough(await limiter.reserveBatch([request], clock.now()))).toEqual([number]);
  });

  it('releases into the windows of the reservation, not of the release time', async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(1, 100), [number]);
    const [early, late, later] = requests(3);
    const reservedAt = clock.now();
    await limiter.reserveBatch([early], reservedAt);
    clock.set('2026-03-10T15:00:30Z');
    expect(sentThrough(await limiter.reserveBatch([late], clock.now()))).toEqual([number]);

    await limiter.release(early, number, reservedAt);
    expect(sentThrough(await limiter.reserveBatch([later], clock.now()))).toEqual(['hourly_cap']);
  });

  it('does not remove a newer phone mark, nor count below zero', async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(5, 100, 45), [number]);
    const [request] = requests(1);
    const firstAt = clock.now();
    await limiter.reserveBatch([request], firstAt);
    clock.advance(45_000);
    await limiter.reserveBatch([request], clock.now());
    await limiter.release(request, number, firstAt);
    await limiter.release(request, number, firstAt);
    await limiter.release(request, number, firstAt);
    clock.advance(1_000);
    expect(await limiter.reserveBatch([request], clock.now())).toEqual([
      { allowed: false, reason: 'phone_interval', retryAt: new Date('2026-03-10T14:21:30Z') },
    ]);
    expect(sentThrough(await limiter.reserveBatch(requests(6), clock.now()))).toEqual([
      ...Array(5).fill(number),
      'hourly_cap',
    ]);
  });

  it('spaces the proactive messages of a number by RATE_LIMIT_NUMBER_INTERVAL, each deferred to its own turn', async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(20, 100, 45, 180), [number]);
    const decisions = await limiter.reserveBatch(requests(3), clock.now());
    expect(decisions).toEqual([
      { allowed: true, sendingNumber: number },
      { allowed: false, reason: 'number_interval', retryAt: new Date('2026-03-10T14:23:00Z') },
      { allowed: false, reason: 'number_interval', retryAt: new Date('2026-03-10T14:26:00Z') },
    ]);

    clock.set('2026-03-10T14:22:59Z');
    expect(sentThrough(await limiter.reserveBatch(requests(1), clock.now()))).toEqual(['number_interval']);
    clock.set('2026-03-10T14:23:00Z');
    expect(sentThrough(await limiter.reserveBatch(requests(2), clock.now()))).toEqual([
      number,
      'number_interval',
    ]);
    // the deferred messages took no capacity: 20 in the hour, two of them used
    clock.set('2026-03-10T14:59:00Z');
    expect(sentThrough(await limiter.reserveBatch(requests(1), clock.now()))).toEqual([number]);
  });

  it("lets a reply go at once, and counts it as the number's last send", async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(20, 100, 45, 180), [number]);
    const [reply, proactive, laterReply] = [
      ...requests(1, null, false),
      ...requests(1, null, true),
      ...requests(1, null, false),
    ];
    expect(sentThrough(await limiter.reserveBatch([proactive, reply], clock.now()))).toEqual([
      number,
      number,
    ]);
    clock.advance(10_000);
    expect(sentThrough(await limiter.reserveBatch([laterReply], clock.now()))).toEqual([number]);
    clock.set('2026-03-10T14:23:00Z');
    expect(await limiter.reserveBatch(requests(1), clock.now())).toEqual([
      { allowed: false, reason: 'number_interval', retryAt: new Date('2026-03-10T14:23:10Z') },
    ]);
  });

  it('gives the next turns to the numbers in turn', async () => {
    const numbers = freshNumbers(2);
    const limiter = build(settings(20, 100, 45, 60), numbers);
    const decisions = await limiter.reserveBatch(requests(5), clock.now());
    expect(sentThrough(decisions)).toEqual([
      numbers[0],
      numbers[1],
      'number_interval',
      'number_interval',
      'number_interval',
    ]);
    expect(decisions.slice(2).map((d) => !d.allowed && d.retryAt.toISOString())).toEqual([
      '2026-03-10T14:21:00.000Z',
      '2026-03-10T14:21:00.000Z',
      '2026-03-10T14:22:00.000Z',
    ]);
  });

  it('keeps a lead on its number and waits for its turn rather than switch numbers', async () => {
    const numbers = freshNumbers(2);
    const limiter = build(settings(20, 100, 45, 60), numbers);
    expect(await limiter.reserveBatch(requests(2, numbers[0]), clock.now())).toEqual([
      { allowed: true, sendingNumber: numbers[0] },
      { allowed: false, reason: 'number_interval', retryAt: new Date('2026-03-10T14:21:00Z') },
    ]);
    // a lead of no number takes the free one
    expect(sentThrough(await limiter.reserveBatch(requests(1), clock.now()))).toEqual([numbers[1]]);
  });

  it("keeps the number's turn when a reservation is given back", async () => {
    const [number] = freshNumbers(1);
    const limiter = build(settings(20, 100, 45, 60), [number]);
    const [request, next] = requests(2);
    expect(sentThrough(await limiter.reserveBatch([request], clock.now()))).toEqual([number]);
    await limiter.release(request, number, clock.now());
    expect(sentThrough(await limiter.reserveBatch([next], clock.now()))).toEqual(['number_interval']);
  });

  it('answers an empty batch with no decisions', async () => {
    const limiter = build(settings(1, 100), freshNumbers(1));
    expect(await limiter.reserveBatch([], clock.now())).toEqual([]);
  });
});

describe('RedisOutboundRateLimiter against Redis', () => {
  const now = new Date('2026-03-10T14:20:00Z');
  beforeAll(() => sharedRedis.waitUntilReady(5_000));

  it('decides a batch of 200 in one Redis command', async () => {
    const numbers = freshNumbers(3);
    const limiter = new RedisOutboundRateLimiter(sharedRedis.client!, settings(50, 100), numbers);
    await limiter.reserveBatch(requests(1), now); // loads the script, so the batch below is one EVALSHA

    const watcher = new Redis(testRedisUrl);
    const monitor = await watcher.monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua' && args.some((arg) => arg.startsWith(prefix))) seen.push(args);
    });
    try {
      const decisions = await limiter.reserveBatch(requests(200), now);
      // wait until MONITOR has shown a marker sent after the batch, so every earlier command is in
      await sharedRedis.client!.get('marker');
      await until(() => seen.some((args) => args[0] === 'get'));
      const commands = seen.filter((args) => args[0] !== 'get');
      expect(commands.map((args) => args[0])).toEqual(['evalsha']);
      expect(decisions.filter((d) => d.allowed)).toHaveLength(149); // 3 × 50, one already taken
    } finally {
      monitor.disconnect();
      watcher.disconnect();
    }
  });

  it('never lets two replicas together exceed the cap', async () => {
    const numbers = freshNumbers(2);
    const replicas = [sharedRedis, connect()].map(
      (redis) => new RedisOutboundRateLimiter(redis.client!, settings(25, 100), numbers),
    );
    await Promise.all(redisServices.map((service) => service.waitUntilReady(5_000)));
    const batches = await Promise.all(
      Array.from({ length: 20 }, (_, i) => replicas[i % 2].reserveBatch(requests(10), now)),
    );
    const allowed = batches.flat().filter((decision) => decision.allowed);
    expect(allowed).toHaveLength(50);
    const perNumber = numbers.map(
      (number) => allowed.filter((d) => d.allowed && d.sendingNumber === number).length,
    );
    expect(perNumber).toEqual([25, 25]);
  });

  it('keeps its state under rate:* with TTLs', async () => {
    const [number] = freshNumbers(1);
    const limiter = new RedisOutboundRateLimiter(sharedRedis.client!, settings(5, 100, 45, 120), [number]);
    const [request] = requests(1);
    await limiter.reserveBatch([request], now);

    const plain = new Redis(testRedisUrl);
    try {
      const keys = await scan(plain, `${prefix}rate:*`);
      const ours = keys.filter((key) => key.includes(number) || key.includes(request.phone)).sort();
      expect(ours).toEqual([
        `${prefix}rate:num:${number}:d:20260310`,
        `${prefix}rate:num:${number}:h:2026031011`,
        `${prefix}rate:num:${number}:last`,
        `${prefix}rate:phone:${request.phone}`,
      ]);
      const [dayTtl, hourTtl, lastSendTtl, phoneTtl] = await Promise.all(ours.map((key) => plain.pttl(key)));
      expect(lastSendTtl).toBeGreaterThan(115_000);
      expect(lastSendTtl).toBeLessThanOrEqual(120_000);
      expect(await plain.get(`${prefix}rate:num:${number}:last`)).toBe(String(now.getTime()));
      // the windows end at 15:00Z and 03:00Z next day; each counter lives a grace period longer
      expect(hourTtl).toBeGreaterThan(2_399_000);
      expect(hourTtl).toBeLessThanOrEqual(2_400_000 + 3_600_000);
      expect(dayTtl).toBeGreaterThan(45_600_000 + 86_400_000 - 5_000);
      expect(dayTtl).toBeLessThanOrEqual(45_600_000 + 86_400_000);
      expect(phoneTtl).toBeGreaterThan(40_000);
      expect(phoneTtl).toBeLessThanOrEqual(45_000);
      expect(await plain.get(`${prefix}rate:num:${number}:h:2026031011`)).toBe('1');
    } finally {
      await plain.quit();
    }
  });

  it('fails closed, quickly, when Redis cannot be reached', async () => {
    const down = connect('redis://127.0.0.1:1');
    const limiter = new RedisOutboundRateLimiter(down.client!, settings(5, 100), freshNumbers(1));
    const started = Date.now();
    await expect(limiter.reserveBatch(requests(1), now)).rejects.toBeInstanceOf(RateLimiterUnavailableError);
    await expect(limiter.release(requests(1)[0], '551100', now)).rejects.toThrow(/rate limiter unavailable/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
