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
    const [[runs], queueSize] = await Promise.all([
      // each maximum on its own index (a run finishes after it starts, so the later of the two is the
      // latest activity); one aggregate over both would read the whole history
      this.prisma.$queryRaw<[{ last_job_at: Date | null }]>`
        SELECT greatest((SELECT max(started_at) FROM job_executions),
                        (SELECT max(finished_at) FROM job_executions)) AS last_job_at`,
      this.prisma.filaMensagem.count({ where: { status: 'pendente', agendarPara: { lte: now } } }),
    ]);
    const lastJobAt = runs.last_job_at;
    return { lastJobAt, queueSize };
  }
}
