import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface WorkersStats {
  /** the latest job activity: finished_at, or started_at of a run still going */
  lastJobAt: Date | null;
  /** pendente rows already due */
  queueSize: number;
}

/** The health endpoint's only door to the database. */
@Injectable()
export class HealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async workersStats(now: Date): Promise<WorkersStats> {
    const [runs, queueSize] = await Promise.all([
      this.prisma.jobExecution.aggregate({ _max: { startedAt: true, finishedAt: true } }),
      this.prisma.filaMensagem.count({ where: { status: 'pendente', agendarPara: { lte: now } } }),
    ]);
    // a run finishes after it starts, so the later of the two maxima is the latest finished_at-or-started_at
    const { startedAt, finishedAt } = runs._max;
    const lastJobAt = startedAt && finishedAt ? (finishedAt > startedAt ? finishedAt : startedAt) : startedAt;
    return { lastJobAt, queueSize };
  }
}
