import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface JobState {
  jobName: string;
  paused: boolean;
  pausedAt: Date | null;
  pausedBy: string | null;
  lastDueAt: Date | null;
}

/**
 * `jobs_agendados`: the operator's pause flag and the last due time claimed per job, shared by every
 * replica. Only pause/resume write the flag, so no heartbeat can overwrite an operator's pause.
 */
@Injectable()
export class JobStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  async ensure(jobNames: string[]): Promise<void> {
    await this.prisma.jobAgendado.createMany({
      data: jobNames.map((jobName) => ({ jobName })),
      skipDuplicates: true,
    });
  }

  async get(jobName: string): Promise<JobState> {
    const row = await this.prisma.jobAgendado.findUnique({ where: { jobName } });
    return {
      jobName,
      paused: row?.pausado ?? false,
      pausedAt: row?.pausadoEm ?? null,
      pausedBy: row?.pausadoPor ?? null,
      lastDueAt: row?.ultimoVencimentoEm ?? null,
    };
  }

  async all(): Promise<Map<string, JobState>> {
    const rows = await this.prisma.jobAgendado.findMany();
    return new Map(
      rows.map((row) => [
        row.jobName,
        {
          jobName: row.jobName,
          paused: row.pausado,
          pausedAt: row.pausadoEm,
          pausedBy: row.pausadoPor,
          lastDueAt: row.ultimoVencimentoEm,
        },
      ]),
    );
  }

  /**
   * Records that a due time came (catch-up on start compares against it) and tells whether the job
   * is paused, in one statement. Which replica runs the tick is decided by JobHistoryRepository.start.
   */
  async markDue(jobName: string, dueAt: Date): Promise<{ paused: boolean }> {
    const rows = await this.prisma.$queryRaw<Array<{ pausado: boolean }>>`
      INSERT INTO jobs_agendados (job_name, ultimo_vencimento_em) VALUES (${jobName}, ${dueAt})
      ON CONFLICT (job_name) DO UPDATE
        SET ultimo_vencimento_em = GREATEST(jobs_agendados.ultimo_vencimento_em, EXCLUDED.ultimo_vencimento_em),
            updated_at = now()
      RETURNING pausado`;
    return { paused: rows[0]?.pausado ?? false };
  }

  /**
   * Pausing a job that is already paused keeps who paused it and since when: "paused since" must say when
   * the job stopped running, not when someone last pressed the button.
   */
  async setPaused(jobName: string, paused: boolean, by: string, now: Date): Promise<void> {
    const pausedAt = paused ? now : null;
    const pausedBy = paused ? by : null;
    await this.prisma.$executeRaw`
      INSERT INTO jobs_agendados (job_name, pausado, pausado_em, pausado_por)
      VALUES (${jobName}, ${paused}, ${pausedAt}, ${pausedBy})
      ON CONFLICT (job_name) DO UPDATE
        SET pausado = EXCLUDED.pausado,
            pausado_em = CASE WHEN jobs_agendados.pausado AND EXCLUDED.pausado
                              THEN jobs_agendados.pausado_em ELSE EXCLUDED.pausado_em END,
            pausado_por = CASE WHEN jobs_agendados.pausado AND EXCLUDED.pausado
                               THEN jobs_agendados.pausado_por ELSE EXCLUDED.pausado_por END,
            updated_at = now()`;
  }
}
