import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import type { DailyFigures } from './daily-figures';
import { REPORT_POST_LEASE_MS } from './daily-report.constants';

export interface UnpostedReport {
  readonly day: string;
  readonly text: string;
}

type Counts = Omit<DailyFigures, 'data' | 'falhasPorJob'>;

/**
 * The daily_report job's only door to the database. A local day is [00:00, 24:00) in SCHEDULER_TIMEZONE,
 * converted by PostgreSQL (AT TIME ZONE), so DST days have their real length. Assumptions, as the queue
 * worker writes a final status once: blocked / failed = rows whose status is `bloqueada` / `erro` and whose
 * updated_at is in the day; deferred = rows still `pendente` that were touched that day after their insert
 * and pushed after their creation (quiet hours, rate limits, retries; a row enqueued for a later time is
 * waiting, not deferred); replies = leads whose last inbound message is in the day (one per lead: a lower
 * bound); shifts imported = `vagas` created from a group message.
 */
@Injectable()
export class DailyReportRepository {
  constructor(private readonly prisma: PrismaService) {}

  async figures(day: string, timeZone: string, now: Date): Promise<DailyFigures> {
    const [row] = await this.prisma.$queryRaw<[Counts]>`
      WITH bounds AS (
        SELECT (${day}::date)::timestamp AT TIME ZONE ${timeZone}::text AS day_start,
               (${day}::date + 1)::timestamp AT TIME ZONE ${timeZone}::text AS day_end
      )
      SELECT
        json_build_object(
          'enviadas', (SELECT count(*)::int FROM fila_mensagens, bounds WHERE enviada_em >= day_start AND enviada_em < day_end),
          'bloqueadas', (SELECT count(*)::int FROM fila_mensagens, bounds WHERE status = 'bloqueada' AND updated_at >= day_start AND updated_at < day_end),
          'erros', (SELECT count(*)::int FROM fila_mensagens, bounds WHERE status = 'erro' AND updated_at >= day_start AND updated_at < day_end),
          'adiadas', (SELECT count(*)::int FROM fila_mensagens, bounds WHERE status = 'pendente' AND updated_at >= day_start AND updated_at < day_end AND updated_at > created_at AND agendar_para > created_at)
        ) AS mensagens,
        (SELECT count(*)::int FROM leads, bounds WHERE last_inbound_at >= day_start AND last_inbound_at < day_end) AS respostas,
        json_build_object(
          'abertos', (SELECT count(*)::int FROM handoffs, bounds WHERE created_at >= day_start AND created_at < day_end),
          'confirmados', (SELECT count(*)::int FROM handoffs, bounds WHERE status = 'confirmed' AND respondido_em >= day_start AND respondido_em < day_end),
          'expirados', (SELECT count(*)::int FROM handoffs, bounds WHERE expired_at >= day_start AND expired_at < day_end)
        ) AS handoffs,
        (SELECT count(*)::int FROM vagas, bounds WHERE mensagem_grupo_id IS NOT NULL AND created_at >= day_start AND created_at < day_end) AS "vagasImportadas",
        (SELECT count(*)::int FROM fila_mensagens WHERE status = 'pendente' AND agendar_para <= ${now}) AS "filaAgora"`;
    const failures = await this.prisma.$queryRaw<{ job: string; n: number }[]>`
      SELECT job_name AS job, count(*)::int AS n FROM job_executions
      WHERE status IN ('error', 'timeout')
        AND started_at >= (${day}::date)::timestamp AT TIME ZONE ${timeZone}::text
        AND started_at < (${day}::date + 1)::timestamp AT TIME ZONE ${timeZone}::text
      GROUP BY job_name ORDER BY job_name`;
    return { data: day, ...row, falhasPorJob: Object.fromEntries(failures.map((f) => [f.job, f.n])) };
  }

  async save(figures: DailyFigures, texto: string): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO relatorios_diarios (data, metricas, texto) VALUES (${figures.data}::date, ${JSON.stringify(figures)}::jsonb, ${texto})
      ON CONFLICT (data) DO UPDATE SET metricas = EXCLUDED.metricas, texto = EXCLUDED.texto, updated_at = now()`;
  }

  /**
   * Reserves the reports from `sinceDay` on not yet posted, oldest first, for this run to post (two runs at
   * once never reserve the same one; a reservation past the lease was a run that died before posting).
   */
  reserveUnposted(sinceDay: string, now: Date): Promise<UnpostedReport[]> {
    return this.prisma.$queryRaw<UnpostedReport[]>`
      WITH reserved AS (
        UPDATE relatorios_diarios SET envio_reservado_em = ${now}
        WHERE data >= ${sinceDay}::date AND enviado_slack_em IS NULL
          AND (envio_reservado_em IS NULL OR envio_reservado_em <= ${new Date(now.getTime() - REPORT_POST_LEASE_MS)})
        RETURNING data, texto
      )
      SELECT data::text AS day, texto AS text FROM reserved ORDER BY data`;
  }

  /** Whether Slack has taken the report of `day` (false while a run holds it, or when there is none). */
  async isPosted(day: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM relatorios_diarios WHERE data = ${day}::date AND enviado_slack_em IS NOT NULL`;
    return rows.length > 0;
  }

  async markPosted(day: string, at: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE relatorios_diarios SET enviado_slack_em = ${at}, envio_reservado_em = NULL
      WHERE data = ${day}::date AND enviado_slack_em IS NULL`;
  }

  /** A failed post: the next run (scheduled or triggered) may post it at once. */
  async release(day: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE relatorios_diarios SET envio_reservado_em = NULL WHERE data = ${day}::date AND enviado_slack_em IS NULL`;
  }
}
