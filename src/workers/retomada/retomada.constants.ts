/** fila_mensagens.tipo of the reply: `resposta` is not proactive, so quiet hours do not hold it back. */
export const TIPO_RESPOSTA = 'resposta';

/** High priority: the lead wrote first and has been waiting since last night. */
export const PRIORIDADE_RESPOSTA = 9;

/** Messages claimed per transaction. */
export const RETOMADA_BATCH_SIZE = 50;

/** How much of the original message the reply quotes. */
export const EXCERPT_LENGTH = 80;

/** mensagens_fora_horario.resultado values (SPEC: retomada_fora_horario). */
export const Resultado = {
  enfileirada: 'enfileirada',
  semTelefone: 'ignorada: sem telefone',
  optedOut: 'bloqueada: opted_out',
} as const;

export const retomadaKey = (mensagemId: string) => `retomada:${mensagemId}`;
