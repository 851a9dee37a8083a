import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import type { JobLogger } from '../../scheduler/job-logger';
import type { CircuitBreaker } from '../../whatsapp/circuit-breaker';
import { CircuitBreakerRegistry } from '../../whatsapp/circuit-breaker.registry';
import { WhatsAppProvider, type SendResult } from '../../whatsapp/whatsapp-provider';
import { BusinessHoursCalendar } from '../../common/business-hours-calendar';
import type { ClaimedMessage } from './claimed-message';
import { FilaMetrics } from './fila-metrics';
import { Reasons } from './fila.constants';
import { FilaRepository } from './fila.repository';
import type { MessageOutcome, SendOutcome } from './message-outcome';
import { outOfHours, screenMessage, type ScreenRules } from './message-screen';
import { OutboundRateLimiter } from './outbound-rate-limiter';
import { OpenCircuits } from './open-circuits';
import { OutcomeWriter } from './outcome.writer';
import {
  NOTHING_CLAIMED,
  type PreparedBatch,
  type ReadyToSend,
  type ScreenedMessage,
} from './prepared-batch';
import { RateLimiterUnavailableError } from './rate-limiter-unavailable.error';
import { SendObserver } from './send-observer';
import { WaveWithdrawal } from './wave-withdrawal';
import { retryOrDeadLetter } from './retry-policy';

/**
 * Takes claimed batches through the pipeline in SPEC order: screening when a batch is prepared (while the
 * batch before it is still being sent), then, wave by wave, business hours again, rate limits, the
 * circuit and the send.
 */
@Injectable()
export class FilaSenderService {
  private readonly rules: ScreenRules;
  /** every wave being sent in this process (a run's lanes): a circuit that opens withdraws from all of them */
  private readonly wavesInFlight = new Set<WaveWithdrawal>();

  constructor(
    private readonly repository: FilaRepository,
    private readonly limiter: OutboundRateLimiter,
    private readonly provider: WhatsAppProvider,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly metrics: FilaMetrics,
    private readonly clock: Clock,
    @Inject(AppConfig) private readonly config: AppConfig,
    calendar: BusinessHoursCalendar,
    @Optional() private readonly sendObserver?: SendObserver,
  ) {
    this.rules = {
      isProduction: config.isProduction,
      allowlist: new Set(config.OUTBOUND_ALLOWLIST),
      calendar,
    };
  }

  /** The writer of one run's outcomes: every outcome goes through it, then its `flush`. */
  openWriter(logger?: JobLogger): OutcomeWriter {
    return new OutcomeWriter(
      this.repository,
      this.metrics,
      this.provider.name,
      this.clock,
      this.config,
      logger,
    );
  }

  /** Screens a claimed batch (no limit is spent yet); nothing is written. */
  prepare(batch: readonly ClaimedMessage[]): PreparedBatch {
    if (!batch.length) return NOTHING_CLAIMED;
    const now = this.clock.now();
    const claimedAt = new Date(Math.min(...batch.map((message) => message.claimedAt.getTime())));
    const settled: MessageOutcome[] = [];
    const screened: ScreenedMessage[] = [];
    for (const message of batch) {
      const result = screenMessage(message, this.rules, now);
      if (result.kind === 'ok')
        screened.push({
          message,
          request: {
            phone: result.phone,
            preferredNumber: message.lead?.numeroEnvio ?? null,
            paced: !message.liveReply,
          },
        });
      else settled.push(result);
    }
    return { size: batch.length, claimedAt, settled, screened };
  }

  /**
   * Sends a prepared batch in waves of `waveSize()` (its lane's share of WORKER_CONCURRENCY, asked at each
   * wave). Right before a wave goes, business hours are asked again and its rate limits reserved (one
   * Redis call per wave): a batch waits for the one before it, so what was true when it was screened may
   * no longer be, and a limit taken long before the send would let the next message to a phone, or the
   * next hour's sends, come too soon. Each wave is marked as started in the same statement that writes the
   * previous wave's outcomes (and that leaves out the leads who opted out since screening), so a replica
   * that dies leaves at most one wave per lane with an unknown outcome. The last wave's outcomes stay with
   * the writer until its next statement. Resolves to why sending paused (Redis unreachable: the rest of the
   * batch is given back), or null.
   */
  async send(
    batch: PreparedBatch,
    writer: OutcomeWriter,
    signal: AbortSignal,
    logger: JobLogger,
    waveSize: () => number,
  ): Promise<string | null> {
    writer.add(batch.settled, batch.claimedAt);
    let end: number;
    for (let start = 0; start < batch.screened.length; start = end) {
      if (signal.aborted) {
        this.giveBack(batch.screened.slice(start), batch, writer, 'interrupted');
        return null;
      }
      const now = this.clock.now();
      end = start + waveSize();
      const wave = this.stillInHours(batch.screened.slice(start, end), batch, writer, now);
      const open = OpenCircuits.of(this.breakers, this.provider.name, now);
      let reserved: ReadyToSend[];
      try {
        reserved = await this.reserve(wave, batch, writer, now, open);
      } catch (error) {
        if (!(error instanceof RateLimiterUnavailableError)) throw error;
        logger.warn('sending paused: rate limits cannot be checked', { reason: error.message });
        // what business hours just deferred already has its outcome
        this.giveBack([...wave, ...batch.screened.slice(end)], batch, writer, 'rate_limiter_unavailable');
        return error.message;
      }
      const cleared = await this.throughOpenCircuits(reserved, batch, writer);
      const { startedAt, optedOut } = await writer.startSends(
        cleared.map((send) => ({
          id: send.message.id,
          sendingNumber: send.sendingNumber,
          leadId: send.message.leadId,
        })),
        batch.claimedAt,
      );
      const sending = optedOut.size ? await this.withoutOptedOut(cleared, optedOut, batch, writer) : cleared;
      const withdrawal = new WaveWithdrawal(signal);
      this.wavesInFlight.add(withdrawal);
      // the other lane's sends may have opened a circuit while this wave was being marked, too late to
      // withdraw it then: its sends to that number are withdrawn now, before any leaves
      const markedAt = this.clock.now();
      for (const number of new Set(sending.map((send) => send.sendingNumber)))
        if (this.breakers.breakerFor(this.provider.name, number).state(markedAt) === 'open')
          withdrawal.withdraw(number);
      // every send is waited for even if one throws (none is expected to: each failure is classified), so
      // the lane never leaves with sends still in flight; the outcomes known are recorded before the error
      const settled = await Promise.allSettled(
        sending.map((send) => this.sendOne(send, startedAt, withdrawal, logger)),
      );
      this.wavesInFlight.delete(withdrawal);
      writer.add(
        settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])),
        batch.claimedAt,
      );
      const thrown = settled.find((result) => result.status === 'rejected');
      if (thrown) throw thrown.reason;
    }
    return null;
  }

  /** Puts a prepared batch back as it was (`pendente`, no attempt counted; no limit was taken yet). */
  abandon(batch: PreparedBatch, writer: OutcomeWriter, reason: string): void {
    writer.add(batch.settled, batch.claimedAt);
    this.giveBack(batch.screened, batch, writer, reason);
  }

  private giveBack(
    messages: readonly ScreenedMessage[],
    batch: PreparedBatch,
    writer: OutcomeWriter,
    reason: string,
  ): void {
    writer.add(
      messages.map(({ message }) => ({ kind: 'released', id: message.id, reason })),
      batch.claimedAt,
    );
  }

  /** The wave's proactive messages wait for the next opening if business hours closed since screening. */
  private stillInHours(
    wave: readonly ScreenedMessage[],
    batch: PreparedBatch,
    writer: OutcomeWriter,
    now: Date,
  ): ScreenedMessage[] {
    const open: ScreenedMessage[] = [];
    const deferred: MessageOutcome[] = [];
    for (const entry of wave) {
      const waits = outOfHours(entry.message, this.rules.calendar, now);
      if (waits === null) open.push(entry);
      else deferred.push(waits);
    }
    writer.add(deferred, batch.claimedAt);
    return open;
  }

  /**
   * Rate limits for a whole wave in one Redis call; what is over a limit waits for when it may go. The
   * numbers whose circuit is open have no room; with none left, the wave waits for the first to half-open.
   */
  private async reserve(
    wave: readonly ScreenedMessage[],
    batch: PreparedBatch,
    writer: OutcomeWriter,
    now: Date,
    open: OpenCircuits,
  ): Promise<ReadyToSend[]> {
    if (!wave.length) return [];
    const until = open.allOpenUntil(this.provider.sendingNumbers());
    if (until !== null) {
      writer.add(
        wave.map(({ message }) => this.circuitOpenDeferral(message.id, until)),
        batch.claimedAt,
      );
      return [];
    }
    const decisions = await this.limiter.reserveBatch(
      wave.map((entry) => entry.request),
      now,
      open.numbers,
    );
    const ready: ReadyToSend[] = [];
    const deferred: MessageOutcome[] = [];
    wave.forEach(({ message, request }, index) => {
      const decision = decisions[index];
      if (decision.allowed) {
        ready.push({ message, request, sendingNumber: decision.sendingNumber, reservedAt: now });
        return;
      }
      this.metrics.recordDeferral(decision.reason);
      deferred.push({
        kind: 'deferred',
        id: message.id,
        until: open.retryAt(decision),
        reason: decision.reason,
        attemptCounted: false,
      });
    });
    writer.add(deferred, batch.claimedAt);
    return ready;
  }

  /** The circuit of each chosen number is asked right before its send, so failures in this batch count. */
  private async throughOpenCircuits(
    wave: readonly ReadyToSend[],
    batch: PreparedBatch,
    writer: OutcomeWriter,
  ): Promise<ReadyToSend[]> {
    const now = this.clock.now();
    const sending: ReadyToSend[] = [];
    for (const send of wave) {
      const breaker = this.breakers.breakerFor(this.provider.name, send.sendingNumber);
      if (breaker.tryAcquire(now)) {
        sending.push(send);
        continue;
      }
      await this.limiter.release(send.request, send.sendingNumber, send.reservedAt).catch(() => undefined);
      writer.add(
        [this.circuitOpenDeferral(send.message.id, this.afterOpenPeriod(breaker, now))],
        batch.claimedAt,
      );
    }
    return sending;
  }

  /** A lead who opted out after screening: `bloqueada`, and the wave's share of the limits given back. */
  private async withoutOptedOut(
    wave: readonly ReadyToSend[],
    optedOut: ReadonlySet<string>,
    batch: PreparedBatch,
    writer: OutcomeWriter,
  ): Promise<ReadyToSend[]> {
    const sending: ReadyToSend[] = [];
    for (const send of wave) {
      if (!optedOut.has(send.message.id)) {
        sending.push(send);
        continue;
      }
      this.breakers.breakerFor(this.provider.name, send.sendingNumber).release();
      await this.limiter.release(send.request, send.sendingNumber, send.reservedAt).catch(() => undefined);
      writer.add([{ kind: 'blocked', id: send.message.id, reason: Reasons.optedOut }], batch.claimedAt);
    }
    return sending;
  }

  private circuitOpenDeferral(id: string, until: Date): MessageOutcome {
    return { kind: 'deferred', id, until, reason: 'circuit_open', attemptCounted: false };
  }

  /**
   * When a message that met an open circuit may try again: when the circuit half-opens (a provider's
   * Retry-After can hold a number for longer than CIRCUIT_OPEN_SECONDS); while a half-open probe is out,
   * one open period from now.
   */
  private afterOpenPeriod(breaker: CircuitBreaker, now: Date): Date {
    const openUntil = breaker.state(now) === 'open' ? breaker.openUntil : null;
    return openUntil ?? new Date(now.getTime() + this.config.circuitOpenMs);
  }

  private async sendOne(
    send: ReadyToSend,
    startedAt: Date,
    withdrawal: WaveWithdrawal,
    logger: JobLogger,
  ): Promise<MessageOutcome> {
    const started = performance.now();
    // no abort signal here: a send in flight is finished and recorded, never abandoned half-way; only one
    // still waiting for a connection can be withdrawn
    const result = await this.provider.send(
      { to: send.request.phone, text: send.message.conteudo, instance: send.sendingNumber },
      undefined,
      withdrawal.signalFor(send.sendingNumber),
    );
    const now = this.clock.now();
    const breaker = this.breakers.breakerFor(this.provider.name, send.sendingNumber);
    breaker.recordResult(result, now, startedAt);
    // at once, before any await: a connection freed meanwhile would carry a waiting send to the provider
    if (result.kind !== 'withdrawn' && breaker.state(now) === 'open')
      for (const wave of this.wavesInFlight) wave.withdraw(send.sendingNumber);
    // a message the provider may have taken keeps its share of the caps and its phone's interval
    if (result.kind === 'withdrawn' || (result.kind !== 'sent' && result.surelyNotSent === true))
      await this.limiter.release(send.request, send.sendingNumber, send.reservedAt).catch(() => undefined);
    logger.debug('send result', { fila_id: send.message.id, outcome: result.kind });
    if (result.kind === 'withdrawn')
      return breaker.state(now) === 'open'
        ? this.circuitOpenDeferral(send.message.id, this.afterOpenPeriod(breaker, now))
        : { kind: 'released', id: send.message.id, reason: 'interrupted' };
    this.sendObserver?.sendFinished((performance.now() - started) / 1000, this.provider.name, result.kind);
    return {
      ...this.outcomeOf(send, result, now),
      sendingNumber: send.sendingNumber,
      sendStartedAt: startedAt,
    };
  }

  private outcomeOf(
    send: ReadyToSend,
    result: Exclude<SendResult, { kind: 'withdrawn' }>,
    now: Date,
  ): SendOutcome {
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
