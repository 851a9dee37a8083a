import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { EnqueueResult, OutboundMessage } from './outbound-message';

/** Prisma itself or the transaction a caller is in, so an enqueue commits with the caller's own writes. */
export type Queryable = Pick<Prisma.TransactionClient, '$queryRaw'>;

/** The only door to `fila_mensagens` for enqueuing; the queue worker owns every later status change. */
@Injectable()
export class OutboundQueueRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** INSERT ... ON CONFLICT DO NOTHING on chave_idempotencia: a second insert of the same key is a no-op. */
  async insert(message: OutboundMessage, db: Queryable = this.prisma): Promise<EnqueueResult> {
    const rows = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO fila_mensagens (lead_id, conteudo, tipo, prioridade, agendar_para, metadata, chave_idempotencia)
      VALUES (${message.leadId}::uuid, ${message.conteudo}, ${message.tipo}, ${message.prioridade ?? 5},
              COALESCE(${message.agendarPara ?? null}::timestamptz, now()),
              ${message.metadata === undefined ? null : JSON.stringify(message.metadata)}::jsonb,
              ${message.chaveIdempotencia})
      ON CONFLICT (chave_idempotencia) WHERE chave_idempotencia IS NOT NULL DO NOTHING
      RETURNING id`;
    return rows.length === 0 ? { enqueued: false, reason: 'duplicate' } : { enqueued: true, id: rows[0].id };
  }
}
