/** A `fila_mensagens` row this replica claimed (status `processando`), with its lead. */
export interface ClaimedMessage {
  readonly id: string;
  readonly leadId: string;
  readonly conteudo: string;
  readonly tipo: string;
  /**
   * a reply in a live conversation (`tipo` `resposta`): goes any hour and is not paced. A `resposta` whose
   * `metadata` says `"horario_comercial": true` (a reply to a message that came in out of hours, sent in
   * the morning's backlog) is not one: it keeps to business hours and pacing like a proactive message
   */
  readonly liveReply: boolean;
  readonly tentativas: number;
  readonly maxTentativas: number;
  /** when this replica claimed it (its `processando_desde`): the reaper's clock for it starts here */
  readonly claimedAt: Date;
  readonly lead: {
    readonly telefone: string | null;
    readonly optedOut: boolean;
    /** the sending number this lead last talked with */
    readonly numeroEnvio: string | null;
  } | null;
}
