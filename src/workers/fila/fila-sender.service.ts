import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { localWeekStart } from '../../common/local-week';
import { AppConfig } from '../../config/app-config';
import { driverMessage } from '../../database/driver-message';
import { retryWrite } from '../../database/write-retry';
import type { JobLogger } from '../../scheduler/job-logger';
import { CircuitBreakerRegistry } from '../../whatsapp/circuit-breaker.registry';
import { WhatsAppProvider, type SendResult } from '../../whatsapp/whatsapp-provider';
import { BusinessHoursCalendar } from '../../common/business-hours-calendar';
import type { ClaimedMessage } from './claimed-message';
import { FilaMetrics } from './fila-metrics';
import { STUCK_MARGIN_MS } from './fila.constants';
import { FilaRepository } from './fila.repository';
import type { MessageOutcome } from './message-outcome';
import { screenMessage, type ScreenRules } from './message-screen';
import { OutboundRateLimiter, type RateRequest } from './outbound-rate-limiter';
import { RateLimiterUnavailableError } from './rate-limiter-unavailable.error';
import { retryOrDeadLetter } from './retry-policy';

export interface BatchReport {
  outcomes: MessageOutcome[];
  /** set when sending had to stop (Redis unreachable): the rest went back untouched */
  pausedBecause: string | null;
}

interface ReadyToSend {
  message: ClaimedMessage;
  request: RateRequest;
  sendingNumber: string;
}

/**
 * Takes a claimed batch through the pipeline in SPEC order (screening, rate limits, circuit, send) and
 * writes every message's final status in one statement.
 */
@Injectable()
export class FilaSenderService {
  private readonly rules: ScreenRules;

  constructor(
    private readonly repository: FilaRepository,
    private readonly limiter: OutboundRateLimiter,
    private readonly provider: WhatsAppProvider,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly metrics: FilaMetrics,
    private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
    calendar: BusinessHoursCalendar,
  ) {
    this.rules = {
      isProduction: config.isProduction,
      allowlist: new Set(config.OUTBOUND_ALLOWLIST),
      calendar,
    };
  }

  async process(
    batch: readonly ClaimedMessage[],
    signal: AbortSignal,
    logger: JobLogger,
  ): Promise<BatchReport> {
    const now = this.clock.now();
    const outcomes: MessageOutcome[] = [];
    const screened: Array<{ message: ClaimedMessage; request: RateRequest }> = [];
    for (const message of batch) {
      const result = screenMessage(message, this.rules, now);
      if (result.kind === 'ok')
        screened.push({
          message,
          request: { phone: result.phone, preferredNumber: message.lead?.numeroEnvio ?? null },
        });
      else outcomes.push(result);
    }

    let ready: ReadyToSend[] = [];
    let pausedBecause: string | null = null;
    try {
      ready = await this.reserve(screened, now, outcomes);
    } catch (error) {
      if (!(error instanceof RateLimiterUnavailableError)) throw error;
      pausedBecause = `rate limiter unavailable: ${error.message}`;
      logger.warn('sending paused: rate limits cannot be checked', { reason: error.message });
      for (const { message } of screened)
        outcomes.push({ kind: 'released', id: message.id, reason: 'rate_limiter_unavailable' });
    }

    // Sends go out in waves of WORKER_CONCURRENCY, each wave's final statuses written before the next
    // wave is marked: a replica that dies leaves at most one wave with an unknown outcome.
    const sent: MessageOutcome[] = [];
    for (let start = 0; start < ready.length; start += this.config.WORKER_CONCURRENCY) {
      const wave = ready.slice(start, start + this.config.WORKER_CONCURRENCY);
      if (signal.aborted) {
        for (const send of wave) {
          outcomes.push({ kind: 'released', id: send.message.id, reason: 'interrupted' });
          await this.limiter.release(send.request, send.sendingNumber, now).catch(() => undefined);
        }
        continue;
      }
      const waveOutcomes = await this.sendWave(wave, now, batch, logger);
      await this.write(waveOutcomes, now, batch, logger);
      sent.push(...waveOutcomes);
    }
    await this.write(outcomes, now, batch, logger);
    return { outcomes: [...outcomes, ...sent], pausedBecause };
  }

  /** Puts claimed messages back as they were (`pendente`, no attempt counted): shutdown or a pause. */
  async release(batch: readonly ClaimedMessage[], reason: string): Promise<void> {
    await this.write(
      batch.map((message) => ({ kind: 'released', id: message.id, reason })),
      this.clock.now(),
      batch,
    );
  }

  /** One statement for the final statuses of these messages and their leads' contact fields. */
  private async write(
    outcomes: readonly MessageOutcome[],
    reservedAt: Date,
    batch: readonly ClaimedMessage[],
    logger?: JobLogger,
  ): Promise<void> {
    if (!outcomes.length) return;
    const now = this.clock.now();
    const weekStart = localWeekStart(reservedAt, this.config.SCHEDULER_TIMEZONE);
    await this.whileDatabaseAway(batch, logger, () => this.repository.finish(outcomes, now, weekStart));
    this.metrics.recordOutcomes(this.provider.name, outcomes);
  }

  /**
   * A write of what already happened (sends started, sends done) waits out a short database outage: left
   * undone, the rows would sit in `processando` until the reaper, which can only requeue them with an
   * attempt counted or call a delivered message's outcome unknown. It gives up halfway through the
   * reaper's margin, so it never lands on a row the reaper has already handed to another replica.
   */
  private whileDatabaseAway<T>(
    batch: readonly ClaimedMessage[],
    logger: JobLogger | undefined,
    write: () => Promise<T>,
  ): Promise<T> {
    const claimedAt = Math.min(...batch.map((message) => message.claimedAt.getTime()));
    const reaperMayTakeAt = claimedAt + this.config.jobTimeoutMs + STUCK_MARGIN_MS;
    return retryWrite(write, {
      budgetMs: reaperMayTakeAt - STUCK_MARGIN_MS / 2 - this.clock.now().getTime(),
      onRetry: (error, attempt) =>
        logger?.warn('database write failed; retrying', { error: driverMessage(error), attempt }),
    });
  }

  /** Rate limits for the whole batch in one Redis call. */
  private async reserve(
    screened: ReadonlyArray<{ message: ClaimedMessage; request: RateRequest }>,
    now: Date,
    outcomes: MessageOutcome[],
  ): Promise<ReadyToSend[]> {
    if (!screened.length) return [];
    const decisions = await this.limiter.reserveBatch(
      screened.map((entry) => entry.request),
      now,
    );
    const ready: ReadyToSend[] = [];
    screened.forEach(({ message, request }, index) => {
      const decision = decisions[index];
      if (!decision.allowed) {
        this.metrics.rateLimitDeferrals++;
        outcomes.push({
          kind: 'deferred',
          id: message.id,
          until: decision.retryAt,
          reason: decision.reason,
          attemptCounted: false,
        });
        return;
      }
      ready.push({ message, request, sendingNumber: decision.sendingNumber });
    });
    return ready;
  }

  /** The circuit of each chosen number is asked right before its send, so failures in this batch count. */
  private async sendWave(
    wave: readonly ReadyToSend[],
    reservedAt: Date,
    batch: readonly ClaimedMessage[],
    logger: JobLogger,
  ): Promise<MessageOutcome[]> {
    const now = this.clock.now();
    const outcomes: MessageOutcome[] = [];
    const sending: ReadyToSend[] = [];
    for (const send of wave) {
      if (this.breakers.breakerFor(this.provider.name, send.sendingNumber).tryAcquire(now)) {
        sending.push(send);
        continue;
      }
      await this.limiter.release(send.request, send.sendingNumber, reservedAt).catch(() => undefined);
      outcomes.push({
        kind: 'deferred',
        id: send.message.id,
        until: new Date(now.getTime() + this.config.circuitOpenMs),
        reason: 'circuit_open',
        attemptCounted: false,
      });
    }
    await this.whileDatabaseAway(batch, logger, () =>
      this.repository.markSendStarted(
        sending.map((send) => ({ id: send.message.id, sendingNumber: send.sendingNumber })),
        now,
      ),
    );
    const results = await Promise.all(sending.map((send) => this.send(send, reservedAt, logger)));
    return [...outcomes, ...results];
  }

  private async send(send: ReadyToSend, reservedAt: Date, logger: JobLogger): Promise<MessageOutcome> {
    const started = performance.now();
    // no abort signal here: a send in flight is finished and recorded, never abandoned half-way
    const result = await this.provider.send({
      to: send.request.phone,
      text: send.message.conteudo,
      instance: send.sendingNumber,
    });
    this.metrics.observeSendLatency(performance.now() - started);
    const now = this.clock.now();
    this.breakers.breakerFor(this.provider.name, send.sendingNumber).recordResult(result, now);
    if (result.kind !== 'sent')
      await this.limiter.release(send.request, send.sendingNumber, reservedAt).catch(() => undefined);
    logger.debug('send result', { fila_id: send.message.id, outcome: result.kind });
    return this.outcomeOf(send, result, now);
  }

  private outcomeOf(send: ReadyToSend, result: SendResult, now: Date): MessageOutcome {
    switch (result.kind) {
      case 'sent':
        return {
          kind: 'sent',
          id: send.message.id,
          providerMessageId: result.providerMessageId,
          sendingNumber: send.sendingNumber,
        };
      case 'permanent_failure':
        return {
          kind: 'failed',
          id: send.message.id,
          reason: `permanent: ${result.reason}`,
          attemptCounted: true,
        };
      case 'temporary_failure':
        return retryOrDeadLetter(
          send.message,
          `temporary: ${result.reason}`,
          now,
          this.config.retryBackoffMs,
          result.retryAfterMs ?? 0,
        );
    }
  }
}
