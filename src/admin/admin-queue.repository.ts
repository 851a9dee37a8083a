import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { PageQuery } from './admin.schemas';

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
    const [items, total] = await Promise.all([
      this.prisma.$queryRaw<DeadLetterRow[]>`
        SELECT id::text, lead_id::text, tipo, prioridade, tentativas, max_tentativas, erro, agendar_para,
               created_at, updated_at
          FROM fila_mensagens WHERE status = 'erro'
         ORDER BY updated_at DESC LIMIT ${page.per_page} OFFSET ${(page.page - 1) * page.per_page}`,
      this.prisma.filaMensagem.count({ where: { status: 'erro' } }),
    ]);
    return { total, items };
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
    return this.prisma.$queryRaw<HourPoint[]>`
      WITH hours AS (
        SELECT generate_series(date_trunc('hour', ${now}::timestamptz) - make_interval(hours => ${hours - 1}),
                               date_trunc('hour', ${now}::timestamptz), interval '1 hour') AS hour
      )
      SELECT h.hour,
             (SELECT count(*)::int FROM fila_mensagens
               WHERE enviada_em >= h.hour AND enviada_em < h.hour + interval '1 hour') AS sent,
             (SELECT count(*)::int FROM fila_mensagens
               WHERE created_at <= LEAST(h.hour + interval '1 hour', ${now}::timestamptz)
                 AND agendar_para <= LEAST(h.hour + interval '1 hour', ${now}::timestamptz)
                 AND (status = 'pendente'
                      OR (status <> 'processando' AND updated_at > h.hour + interval '1 hour'))) AS queue_size
        FROM hours h ORDER BY h.hour`;
  }
}
