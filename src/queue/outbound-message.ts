/** A message to put on `fila_mensagens`; the queue worker sends it (limits, quiet hours and opt-out apply). */
export interface OutboundMessage {
  leadId: string;
  conteudo: string;
  /** `resposta` is the only non-proactive tipo (SPEC: fila_worker) */
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
