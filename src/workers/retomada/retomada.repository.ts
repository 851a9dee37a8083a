import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import type { OutboundMessage } from '../../queue/outbound-message';
import { OutboundQueueService } from '../../queue/outbound-queue.service';

export interface PendingMensagem {
  id: string;
  leadId: string;
  mensagem: string;
  recebidaEm: Date;
  nome: string | null;
  telefone: string | null;
  optedOut: boolean;
}

/** What to do with one message: enqueue this reply, or only record why not. */
export type RetomadaDecision = { resultado: string; reply: OutboundMessage | null };

/** The retomada_fora_horario job's only door to the database. */
@Injectable()
export class RetomadaRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: OutboundQueueService,
  ) {}

  /**
   * Claims up to `limit` unprocessed messages, oldest first (SKIP LOCKED: a concurrent run takes others),
   * and in the same transaction enqueues each reply and marks the message processed with its result.
   */
  processBatch(
    limit: number,
    now: Date,
    decide: (mensagem: PendingMensagem) => RetomadaDecision,
  ): Promise<{ claimed: number; resultados: string[] }> {
    return this.prisma.$transaction(async (tx) => {
      const batch = await tx.$queryRaw<PendingMensagem[]>`
        SELECT m.id, m.lead_id AS "leadId", m.mensagem, m.recebida_em AS "recebidaEm",
               l.nome, NULLIF(btrim(l.telefone), '') AS telefone, COALESCE(l.opted_out, false) AS "optedOut"
        FROM mensagens_fora_horario m LEFT JOIN leads l ON l.id = m.lead_id
        WHERE m.processada = false
        ORDER BY m.recebida_em, m.id
        LIMIT ${limit}
        FOR UPDATE OF m SKIP LOCKED`;
      const resultados: string[] = [];
      for (const mensagem of batch) {
        const { resultado, reply } = decide(mensagem);
        const enqueued = reply === null ? null : await this.queue.enqueue(reply, tx);
        await tx.$executeRaw`
          UPDATE mensagens_fora_horario
          SET processada = true, processada_em = ${now}, resultado = ${resultado},
              fila_mensagem_id = ${enqueued?.enqueued ? enqueued.id : null}::uuid
          WHERE id = ${mensagem.id}::uuid AND processada = false`;
        resultados.push(resultado);
      }
      return { claimed: batch.length, resultados };
    });
  }
}
