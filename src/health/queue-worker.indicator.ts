import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { SingleFlight } from '../common/single-flight';
import { HEALTH_CHECK_TIMEOUT_MS } from './health.constants';
import { plainFailure, shortMessage } from './health-message';
import { NotConfiguredQueueWorkerHealth, QueueWorkerHealth, QueueWorkerState } from './queue-worker-health';

export interface QueueWorkerCheck {
  readonly status: 'up' | 'down';
  readonly state: QueueWorkerState;
  readonly message?: string;
}

/**
 * Asks the queue worker's own QueueWorkerHealth, wherever it is provided. A provider that throws or does
 * not answer in time is reported `stale`: a worker that cannot say it is polling is not trusted to be.
 */
@Injectable()
export class QueueWorkerHealthIndicator implements OnModuleInit {
  private provider: QueueWorkerHealth = new NotConfiguredQueueWorkerHealth();
  // the worker's answer reads the database too: a hung read is shared by the probes, not repeated (see
  // DatabaseHealthIndicator)
  private readonly states = new SingleFlight<QueueWorkerState>();

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    try {
      this.provider = this.moduleRef.get(QueueWorkerHealth, { strict: false });
    } catch {
      // no queue worker in this application (yet): not_configured
    }
  }

  async check(): Promise<QueueWorkerCheck> {
    const read: { state?: QueueWorkerState } = {};
    const { fila_worker } = await this.health
      .check('fila_worker')
      .attempt(async () => {
        try {
          read.state = await this.states.run(async () => this.provider.state());
        } catch (error) {
          throw plainFailure(error);
        }
        if (read.state === 'stale')
          throw new Error(this.provider.reason() ?? 'the queue worker has stopped polling');
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
    if (fila_worker.status === 'up' && read.state === 'paused')
      return { status: 'up', state: 'paused', message: this.provider.reason() ?? 'paused by an operator' };
    if (fila_worker.status === 'up' && read.state !== undefined) return { status: 'up', state: read.state };
    return { status: 'down', state: 'stale', message: shortMessage(fila_worker.message) };
  }
}
