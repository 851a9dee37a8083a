import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { FilaRepository } from '../workers/fila/fila.repository';
import type { AlertReading } from './alert-reading';
import { AlertKinds, AlertThresholds, RECENT_WINDOW_MS } from './alerts.constants';
import { AlertsRepository, type JobFigure } from './alerts.repository';

/** SPEC "Alerts": reads the figures and says, per kind, whether it is firing now. */
@Injectable()
export class AlertRules {
  constructor(
    private readonly repository: AlertsRepository,
    private readonly fila: FilaRepository,
    private readonly clock: Clock,
  ) {}

  async evaluate(): Promise<AlertReading[]> {
    const now = this.clock.now();
    const recent = new Date(now.getTime() - RECENT_WINDOW_MS);
    const t = AlertThresholds;
    const [queue, longRuns, failures, lag] = await Promise.all([
      this.fila.stats(now),
      this.repository.longRuns(now, recent, t.runSeconds),
      this.repository.failuresOver(new Date(now.getTime() - t.failureWindowMs), t.failuresPerJob),
      this.repository.schedulerLag(recent, t.schedulerLagSeconds),
    ]);
    const oldestMinutes = Math.round(queue.oldestDueSeconds / 60);
    return [
      {
        kind: AlertKinds.queueSize,
        firing: queue.size > t.queueSize,
        text:
          queue.size > t.queueSize
            ? `queue_size is ${queue.size} due messages (alert above ${t.queueSize})`
            : `queue_size is back to ${queue.size} (at most ${t.queueSize})`,
      },
      {
        kind: AlertKinds.oldestDue,
        firing: queue.oldestDueSeconds > t.oldestDueSeconds,
        text:
          queue.oldestDueSeconds > t.oldestDueSeconds
            ? `the oldest due message has waited ${oldestMinutes} min (alert above ${t.oldestDueSeconds / 60} min)`
            : `no due message has waited more than ${t.oldestDueSeconds / 60} min any more`,
      },
      jobReading(
        AlertKinds.longRun,
        longRuns,
        (list) => `runs longer than ${t.runSeconds} s: ${list}`,
        's',
        `no run longer than ${t.runSeconds} s in the last ${RECENT_WINDOW_MS / 60_000} min`,
      ),
      jobReading(
        AlertKinds.jobFailures,
        failures,
        (list) => `more than ${t.failuresPerJob} failures in ${t.failureWindowMs / 60_000} min: ${list}`,
        ' failures',
        `no job failed more than ${t.failuresPerJob} times in the last ${t.failureWindowMs / 60_000} min`,
      ),
      jobReading(
        AlertKinds.schedulerLag,
        lag,
        (list) => `scheduler lag above ${t.schedulerLagSeconds} s: ${list}`,
        ' s late',
        `scheduled runs start within ${t.schedulerLagSeconds} s of their due time again`,
      ),
    ];
  }
}

function jobReading(
  kind: AlertReading['kind'],
  figures: readonly JobFigure[],
  firingText: (list: string) => string,
  unit: string,
  resolvedText: string,
): AlertReading {
  if (!figures.length) return { kind, firing: false, text: resolvedText };
  const list = figures.map((figure) => `${figure.job} (${Math.round(figure.value)}${unit})`).join(', ');
  return { kind, firing: true, text: firingText(list) };
}
