/**
 * `metadata` key of a `resposta` that is not a reply in a live conversation (a morning backlog of replies
 * to messages that came in out of hours): it waits for business hours and is paced like a proactive one.
 */
export const HELD_TO_BUSINESS_HOURS_KEY = 'horario_comercial';

/** A message to put on `fila_mensagens`; the queue worker sends it (limits, quiet hours and opt-out apply). */
export interface OutboundMessage {
  leadId: string;
  conteudo: string;
  /**
   * `resposta` is the only non-proactive tipo (SPEC: fila_worker): it goes any hour, unpaced, unless its
   * metadata holds `HELD_TO_BUSINESS_HOURS_KEY: true`
   */
  tipo: string;
  /** 0–10, higher first; the table default is 5 */
  prioridade?: number;
  /** unset → the database's now() */
  agendarPara?: Date;
  metadata?: Record<string, unknown>;
  /** the same key is enqueued once, however many runs try at the same time */
  chaveIdempotencia: string;
}

export type EnqueueResult = { enqueued: true; id: string } | { enqueued: false; reason: 'duplicate' };
