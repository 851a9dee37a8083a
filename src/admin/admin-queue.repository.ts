import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { PageQuery } from './admin.schemas';
import { boundedRead } from './bounded-read';

export interface DeadLetterRow {
  id: string;
  lead_id: string;
  tipo: string;
  prioridade: number;
  tentativas: number;
  max_tentativas: number;
  erro: string | null;
  agendar_para: Date;
  created_at: Date;
  updated_at: Date;
}

export interface HourPoint {
  hour: Date;
  sent: number;
  queue_size: number;
}

/** The admin API's reads of `fila_mensagens` and `leads` (writes go through the queue's own services). */
@Injectable()
export class AdminQueueRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The dead-letter set: rows in `erro`, newest first (the partial index fila_mensagens_erro_idx). */
  async deadLetters(page: PageQuery): Promise<{ total: number; items: DeadLetterRow[] }> {
    return boundedRead(this.prisma, async (tx) => {
      const items = await tx.$queryRaw<DeadLetterRow[]>`
        SELECT id::text, lead_id::text, tipo, prioridade, tentativas, max_tentativas, erro, agendar_para,
               created_at, updated_at
          FROM fila_mensagens WHERE status = 'erro'
         ORDER BY updated_at DESC LIMIT ${page.per_page} OFFSET ${(page.page - 1) * page.per_page}`;
      return { total: await tx.filaMensagem.count({ where: { status: 'erro' } }), items };
    });
  }

  /** the message a chave_idempotencia already made (the key is unique), null when none */
  async messageIdByKey(key: string): Promise<string | null> {
    const row = await this.prisma.filaMensagem.findFirst({
      where: { chaveIdempotencia: key },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  async leadExists(id: string): Promise<boolean> {
    return (await this.prisma.lead.count({ where: { id } })) > 0;
  }

  /**
   * For each of the last `hours` whole hours: messages sent in it, and the queue size at its end. The
   * queue has no history table, so its size is rebuilt from row timestamps: rows created and due by
   * then that were still pendente (not yet sent or finished). A row re-scheduled later counts from its
   * current agendar_para, so the figure is an estimate.
   */
  async hourly(now: Date, hours: number): Promise<HourPoint[]> {
    // One pass over the rows that can matter — those pendente now (the due index) and those that reached a
    // final status within the window (fila_mensagens_finished_idx) — never the months of history: a row
    // is waiting at an hour's end T when it had entered (created and due) by T and had not yet left. Each
    // row adds 1 at the hour it entered (or the window's first hour) and, once final, takes 1 away at the
    // hour it left; the queue size at each hour's end is the running sum.
    return boundedRead(
      this.prisma,
      (tx) => tx.$queryRaw<HourPoint[]>`
      WITH hours AS (
        SELECT generate_series(date_trunc('hour', ${now}::timestamptz) - make_interval(hours => ${hours - 1}),
                               date_trunc('hour', ${now}::timestamptz), interval '1 hour') AS hour
      ), bounds AS (
        SELECT min(hour) AS first_hour FROM hours
      ), finished AS (
        SELECT greatest(created_at, agendar_para) AS entered, updated_at, status, enviada_em
          FROM fila_mensagens, bounds
         WHERE status NOT IN ('pendente', 'processando') AND updated_at > first_hour
      ), waiting AS (
        SELECT entered, greatest(entered, updated_at) AS left_at FROM finished
        UNION ALL
        SELECT greatest(created_at, agendar_para), NULL FROM fila_mensagens WHERE status = 'pendente'
      ), moves AS (
        -- the hour whose end is the first at or after the moment: (h, h + 1 h] belongs to h
        SELECT greatest(date_trunc('hour', entered - interval '1 microsecond'), first_hour) AS hour, 1 AS delta
          FROM waiting, bounds WHERE entered <= ${now}::timestamptz
        UNION ALL
        SELECT greatest(date_trunc('hour', left_at - interval '1 microsecond'), first_hour), -1
          FROM waiting, bounds WHERE left_at <= ${now}::timestamptz
      ), sent AS (
        SELECT date_trunc('hour', enviada_em) AS hour, count(*) AS n
          FROM finished, bounds WHERE enviada_em >= first_hour GROUP BY 1
      )
      SELECT h.hour, coalesce(s.n, 0)::int AS sent,
             (sum(coalesce(m.delta, 0)) OVER (ORDER BY h.hour))::int AS queue_size
        FROM hours h
        LEFT JOIN sent s ON s.hour = h.hour
        LEFT JOIN (SELECT hour, sum(delta) AS delta FROM moves GROUP BY hour) m ON m.hour = h.hour
       ORDER BY h.hour`,
    );
  }
}
