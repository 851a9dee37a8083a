import { ConsoleLogger, Logger } from '@nestjs/common';
import { BusinessHoursCalendar } from '../../common/business-hours-calendar';
import { Clock, SystemClock } from '../../common/clock';
import { FakeClock } from '../../../test/utils/fake-clock';
import { parseConfig } from '../../config/load-config';
import { JobLogger } from '../../scheduler/job-logger';
import { CIRCUIT_FAILURE_THRESHOLD, CIRCUIT_OPEN_MS } from '../../whatsapp/circuit-breaker.constants';
import { CircuitBreakerRegistry } from '../../whatsapp/circuit-breaker.registry';
import { WhatsAppProvider, type OutboundMessage, type SendResult } from '../../whatsapp/whatsapp-provider';
import type { ClaimedMessage } from './claimed-message';
import { FilaMetrics } from './fila-metrics';
import { FilaSenderService } from './fila-sender.service';
import type { FilaRepository } from './fila.repository';
import { InProcessOutboundRateLimiter } from './in-process-outbound-rate-limiter';
import type { MessageOutcome } from './message-outcome';
import type { OutcomeWriter } from './outcome.writer';
import { OutboundRateLimiter, type RateDecision } from './outbound-rate-limiter';
import { rateLimitSettings } from './rate-limit.settings';
import { RateLimiterUnavailableError } from './rate-limiter-unavailable.error';

class CountingProvider extends WhatsAppProvider {
  readonly name = 'fake';
  readonly sent: string[] = [];
  constructor(private readonly numbers: readonly string[] = ['numero1']) {
    super();
  }
  sendingNumbers(): readonly string[] {
    return this.numbers;
  }
  async send(message: OutboundMessage): Promise<SendResult> {
    this.sent.push(message.text);
    return { kind: 'sent', providerMessageId: `id-${this.sent.length}` };
  }
}

/**
 * The repository's writes fail while the database is away: the first calls that mark sends as started,
 * and the first that only write final statuses, as many of each as given.
 */
class FlakyRepository {
  readonly marked: string[] = [];
  readonly finished: MessageOutcome[] = [];
  /**
   * every statement that landed: the ids whose outcome it wrote, the marks it ended, the ids it marked
   * as started and the name of that mark
   */
  readonly statements: Array<{
    outcomes: string[];
    settles: string[];
    marks: string[];
    mark: string | null;
  }> = [];
  constructor(private readonly away: { mark: number; finish: number } = { mark: 0, finish: 0 }) {}

  async record(
    outcomes: readonly MessageOutcome[],
    settledMarks: readonly string[],
    sends: ReadonlyArray<{ id: string }>,
  ): Promise<{ written: number; mark: string | null; optedOut: string[] }> {
    this.failWhileAway(sends.length ? 'mark' : 'finish');
    this.marked.push(...sends.map((send) => send.id));
    this.finished.push(...outcomes);
    const mark = sends.length ? `mark-${this.statements.length}` : null;
    this.statements.push({
      outcomes: outcomes.map((outcome) => outcome.id),
      settles: [...settledMarks],
      marks: sends.map((send) => send.id),
      mark,
    });
    return { written: outcomes.length, mark, optedOut: [] };
  }

  private failWhileAway(write: 'mark' | 'finish'): void {
    if (this.away[write]-- > 0) throw new Error('Connection terminated unexpectedly');
  }
}

const defaultConfig = parseConfig({
  APP_ENV: 'production',
  JOB_TIMEOUT: '5',
  RATE_LIMIT_PHONE_INTERVAL: '0',
  RATE_LIMIT_NUMBER_INTERVAL: '0',
});

function senderWith(
  repository: FlakyRepository,
  provider: CountingProvider,
  config = defaultConfig,
  {
    limiter = new InProcessOutboundRateLimiter(
      rateLimitSettings(config),
      provider.sendingNumbers(),
    ) as OutboundRateLimiter,
    breakers = new CircuitBreakerRegistry(),
    clock = new SystemClock() as Clock,
  } = {},
): FilaSenderService {
  return new FilaSenderService(
    repository as unknown as FilaRepository,
    limiter,
    provider,
    breakers,
    new FilaMetrics(),
    clock,
    config,
    BusinessHoursCalendar.fromConfig(config),
  );
}

/** One batch through the pipeline as a lane of a run takes it: prepared, sent in waves, outcomes flushed. */
async function sendBatch(
  sender: FilaSenderService,
  batch: ClaimedMessage[],
  waveSize = 2,
): Promise<OutcomeWriter> {
  const logger = new JobLogger('t', 'e');
  const writer = sender.openWriter(logger);
  await sender.send(sender.prepare(batch), writer, new AbortController().signal, logger, () => waveSize);
  await writer.flush();
  return writer;
}

function claimed(id: string, claimedAt = new Date()): ClaimedMessage {
  return {
    id,
    leadId: `lead-${id}`,
    conteudo: `texto ${id}`,
    tipo: 'resposta',
    liveReply: true,
    tentativas: 0,
    maxTentativas: 3,
    claimedAt,
    lead: { telefone: '5511900000001', optedOut: false, numeroEnvio: null },
  };
}

describe('FilaSenderService while the database is briefly away', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('a send is marked and its result written once the database answers again: sent once, recorded as sent', async () => {
    const repository = new FlakyRepository({ mark: 2, finish: 2 });
    const provider = new CountingProvider();
    const sender = senderWith(repository, provider);

    const writer = await sendBatch(sender, [claimed('a')]);

    expect(provider.sent).toEqual(['texto a']);
    expect(repository.marked).toEqual(['a']);
    expect(repository.finished).toEqual([expect.objectContaining({ kind: 'sent', id: 'a' })]);
    expect(writer.counts()).toEqual({ sent: 1 });
  });

  it('gives up once the reaper may have taken the rows: nothing is sent and the error surfaces', async () => {
    const repository = new FlakyRepository({ mark: 1, finish: 0 });
    const provider = new CountingProvider();
    const sender = senderWith(repository, provider);
    // claimed JOB_TIMEOUT + half the reaper's margin ago: no time left to wait
    const longAgo = new Date(Date.now() - defaultConfig.jobTimeoutMs - 30_000);

    await expect(sendBatch(sender, [claimed('b', longAgo)])).rejects.toThrow(/Connection terminated/);
    expect(provider.sent).toEqual([]);
  });
});

describe('FilaSenderService waves', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('marks each wave in the statement that writes and unmarks the previous wave: one statement per wave, one wave in doubt', async () => {
    const repository = new FlakyRepository();
    const provider = new CountingProvider();
    const config = parseConfig({
      APP_ENV: 'production',
      WORKER_CONCURRENCY: '2',
      RATE_LIMIT_PHONE_INTERVAL: '0',
      RATE_LIMIT_NUMBER_INTERVAL: '0',
    });
    const sender = senderWith(repository, provider, config);
    const markedWhenSent: boolean[] = [];
    const send = provider.send.bind(provider);
    provider.send = (message) => {
      markedWhenSent.push(repository.marked.includes(message.text.replace('texto ', '')));
      return send(message);
    };

    const writer = await sendBatch(
      sender,
      ['a', 'b', 'c', 'd', 'e'].map((id) => claimed(id)),
    );

    expect(repository.statements).toEqual([
      { outcomes: [], settles: [], marks: ['a', 'b'], mark: 'mark-0' },
      { outcomes: ['a', 'b'], settles: ['mark-0'], marks: ['c', 'd'], mark: 'mark-1' },
      { outcomes: ['c', 'd'], settles: ['mark-1'], marks: ['e'], mark: 'mark-2' },
      { outcomes: ['e'], settles: ['mark-2'], marks: [], mark: null },
    ]);
    expect(markedWhenSent).toEqual([true, true, true, true, true]);
    expect(writer.counts()).toEqual({ sent: 5 });
  });
});

describe('FilaSenderService while a sending number is down', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  // Tuesday 2026-03-10 11:20 in São Paulo; the local hour ends at 15:00Z
  const clock = new FakeClock('2026-03-10T14:20:00Z');
  beforeEach(() => clock.set('2026-03-10T14:20:00Z'));

  /** breakers whose numbers' circuits are open now, each until this many ms from now */
  function openFor(provider: CountingProvider, openMs: Record<string, number>): CircuitBreakerRegistry {
    const breakers = new CircuitBreakerRegistry();
    for (const [number, ms] of Object.entries(openMs)) {
      const openedAt = new Date(clock.now().getTime() + ms - CIRCUIT_OPEN_MS);
      for (let i = 0; i < CIRCUIT_FAILURE_THRESHOLD; i++)
        breakers.breakerFor(provider.name, number).recordFailure(openedAt);
    }
    return breakers;
  }

  it('with every circuit open, does not ask the limiter and defers the wave until the first circuit half-opens', async () => {
    const repository = new FlakyRepository();
    const provider = new CountingProvider(['numero1', 'numero2']);
    const breakers = openFor(provider, { numero1: 4 * 60_000, numero2: 2 * 60_000 });
    const limiter = new InProcessOutboundRateLimiter(
      rateLimitSettings(defaultConfig),
      provider.sendingNumbers(),
    );
    const reserveBatch = jest.spyOn(limiter, 'reserveBatch');
    const sender = senderWith(repository, provider, defaultConfig, { limiter, breakers, clock });

    await sendBatch(sender, [claimed('a', clock.now()), claimed('b', clock.now())]);

    expect(reserveBatch).not.toHaveBeenCalled();
    expect(provider.sent).toEqual([]);
    expect(repository.finished).toEqual(
      ['a', 'b'].map((id) => ({
        kind: 'deferred',
        id,
        until: new Date('2026-03-10T14:22:00Z'),
        reason: 'circuit_open',
        attemptCounted: false,
      })),
    );
  });

  it('a message over the caps of the numbers left comes back when the open circuit half-opens, if before the next hour', async () => {
    const repository = new FlakyRepository();
    const provider = new CountingProvider(['numero1', 'numero2']);
    const breakers = openFor(provider, { numero1: 5 * 60_000 });
    const config = parseConfig({
      APP_ENV: 'production',
      RATE_LIMIT_PER_HOUR: '1',
      RATE_LIMIT_PHONE_INTERVAL: '0',
      RATE_LIMIT_NUMBER_INTERVAL: '0',
    });
    const sender = senderWith(repository, provider, config, { breakers, clock });

    await sendBatch(sender, [claimed('a', clock.now()), claimed('b', clock.now())]);

    expect(repository.finished).toEqual([
      expect.objectContaining({
        kind: 'deferred',
        id: 'b',
        reason: 'hourly_cap',
        until: new Date('2026-03-10T14:25:00Z'),
      }),
      expect.objectContaining({ kind: 'sent', id: 'a', sendingNumber: 'numero2' }),
    ]);
  });
});

/** Redis gone: every reservation fails. */
class UnreachableLimiter extends OutboundRateLimiter {
  async reserveBatch(): Promise<RateDecision[]> {
    throw new RateLimiterUnavailableError('reserve', new Error('connect ECONNREFUSED'));
  }
  async release(): Promise<void> {}
}

describe('FilaSenderService when the rate limits cannot be checked', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('pauses and gives back what is left; a message business hours just deferred keeps that one outcome', async () => {
    const repository = new FlakyRepository();
    const provider = new CountingProvider();
    // Monday 2026-03-02 19:59:59 in São Paulo: screened open, sent after the 20:00 closing
    const clock = new FakeClock('2026-03-02T22:59:59Z');
    const sender = senderWith(repository, provider, defaultConfig, {
      limiter: new UnreachableLimiter(),
      clock,
    });
    const logger = new JobLogger('t', 'e');
    const writer = sender.openWriter(logger);
    const prepared = sender.prepare([{ ...claimed('p'), tipo: 'oferta', liveReply: false }, claimed('r')]);
    clock.set('2026-03-02T23:00:01Z');

    // what /health/workers shows after "sending paused: ", said once
    expect(await sender.send(prepared, writer, new AbortController().signal, logger, () => 2)).toBe(
      'rate limiter unavailable: reserve failed: connect ECONNREFUSED',
    );
    await writer.flush();

    expect(provider.sent).toEqual([]);
    expect(
      repository.finished.map((outcome) => [outcome.id, outcome.kind, 'reason' in outcome && outcome.reason]),
    ).toEqual([
      ['p', 'deferred', 'outside_business_hours'],
      ['r', 'released', 'rate_limiter_unavailable'],
    ]);
  });
});

describe('FilaSenderService with two lanes', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it("a circuit one lane's send opens while the other lane writes its next wave's mark: that wave does not go to the number", async () => {
    const clock = new FakeClock('2026-03-10T14:20:00Z');
    // the provider throttles numero1 for a minute: its circuit opens at once (Retry-After)
    class ThrottlingProvider extends CountingProvider {
      async send(message: OutboundMessage, _?: AbortSignal, withdraw?: AbortSignal): Promise<SendResult> {
        if (withdraw?.aborted) return { kind: 'withdrawn' };
        this.sent.push(message.text);
        return { kind: 'temporary_failure', reason: 'http_429', retryAfterMs: 60_000, surelyNotSent: true };
      }
    }
    const provider = new ThrottlingProvider();
    // lane B's mark lands only once lane A's wave is done (one lane's write while the other sends)
    let laneA: Promise<unknown> = Promise.resolve();
    class SlowMarkRepository extends FlakyRepository {
      async record(...args: Parameters<FlakyRepository['record']>) {
        if (args[2].some((send) => send.id.startsWith('b'))) await laneA;
        return super.record(...args);
      }
    }
    const repository = new SlowMarkRepository();
    const sender = senderWith(repository, provider, defaultConfig, { clock });
    const logger = new JobLogger('t', 'e');
    const [writerA, writerB] = [sender.openWriter(logger), sender.openWriter(logger)];
    const signal = new AbortController().signal;

    laneA = sender.send(sender.prepare([claimed('a', clock.now())]), writerA, signal, logger, () => 1);
    const laneB = sender.send(
      sender.prepare([claimed('b1', clock.now()), claimed('b2', clock.now())]),
      writerB,
      signal,
      logger,
      () => 2,
    );
    await Promise.all([laneA, laneB]);
    await Promise.all([writerA.flush(), writerB.flush()]);

    expect(provider.sent).toEqual(['texto a']);
    expect(repository.finished.filter((outcome) => outcome.id.startsWith('b'))).toEqual(
      ['b1', 'b2'].map((id) => ({
        kind: 'deferred',
        id,
        until: new Date('2026-03-10T14:21:00Z'),
        reason: 'circuit_open',
        attemptCounted: false,
      })),
    );
  });
});

describe('FilaSenderService when a send throws', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  /** `b` throws at once (a defect, never expected); `a` answers 50 ms later */
  class ThrowingProvider extends CountingProvider {
    readonly answered: string[] = [];
    async send(message: OutboundMessage): Promise<SendResult> {
      if (message.text === 'texto b') throw new Error('a defect in the provider');
      await new Promise((resolve) => setTimeout(resolve, 50));
      this.answered.push(message.text);
      return super.send(message);
    }
  }

  it('waits for the rest of the wave and records its outcomes before the error surfaces', async () => {
    const repository = new FlakyRepository();
    const provider = new ThrowingProvider();
    const sender = senderWith(repository, provider);
    const logger = new JobLogger('t', 'e');
    const writer = sender.openWriter(logger);
    const sending = sender.send(
      sender.prepare([claimed('a'), claimed('b')]),
      writer,
      new AbortController().signal,
      logger,
      () => 2,
    );

    await expect(sending).rejects.toThrow('a defect in the provider');
    // no send of the wave is left in flight when the lane learns of the error
    expect(provider.answered).toEqual(['texto a']);
    await writer.flush();
    expect(repository.finished).toEqual([expect.objectContaining({ id: 'a', kind: 'sent' })]);
  });
});
