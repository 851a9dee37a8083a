import { Injectable } from '@nestjs/common';
import type { EnqueueResult, OutboundMessage } from './outbound-message';
import { OutboundQueueRepository, Queryable } from './outbound-queue.repository';

/**
 * Puts messages on `fila_mensagens`. Workers never call a WhatsApp provider: the queue worker sends, so
 * rate limits, quiet hours and opt-out apply to every message. Enqueue only inserts rows.
 */
@Injectable()
export class OutboundQueueService {
  constructor(private readonly repository: OutboundQueueRepository) {}

  /** Pass `transaction` to commit the message together with the caller's own state change. */
  enqueue(message: OutboundMessage, transaction?: Queryable): Promise<EnqueueResult> {
    return this.repository.insert(message, transaction);
  }
}
