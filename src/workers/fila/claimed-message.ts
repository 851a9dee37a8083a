/** A `fila_mensagens` row this replica claimed (status `processando`), with its lead. */
export interface ClaimedMessage {
  readonly id: string;
  readonly leadId: string;
  readonly conteudo: string;
  readonly tipo: string;
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
