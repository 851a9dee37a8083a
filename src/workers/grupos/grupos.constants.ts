/** Stages of a group message (SPEC: grupos_worker). `estagio` is the stage whose work is still to do. */
export const Estagio = {
  pendente: 'pendente',
  classificacao: 'classificacao',
  extracao: 'extracao',
  normalizacao: 'normalizacao',
  deduplicacao: 'deduplicacao',
  importacao: 'importacao',
  finalizado: 'finalizado',
  descartado: 'descartado',
  erro: 'erro',
} as const;

export type EstagioAtivo =
  | typeof Estagio.classificacao
  | typeof Estagio.extracao
  | typeof Estagio.normalizacao
  | typeof Estagio.deduplicacao
  | typeof Estagio.importacao;

export type EstagioFinal = typeof Estagio.finalizado | typeof Estagio.descartado | typeof Estagio.erro;

export const ESTAGIOS_ATIVOS: readonly EstagioAtivo[] = [
  Estagio.classificacao,
  Estagio.extracao,
  Estagio.normalizacao,
  Estagio.deduplicacao,
  Estagio.importacao,
];

export const ESTAGIOS_FINAIS: readonly EstagioFinal[] = [
  Estagio.finalizado,
  Estagio.descartado,
  Estagio.erro,
];

/** Messages claimed per batch. */
export const GRUPOS_BATCH_SIZE = 50;

/** A run stops claiming after this many batches, so one run stays well inside JOB_TIMEOUT. */
export const GRUPOS_MAX_BATCHES_PER_RUN = 20;

/** Items worked on at once in each stage: the provider call and the database writes are the scarce ones. */
export const STAGE_CONCURRENCY: Readonly<Record<EstagioAtivo, number>> = {
  classificacao: 4,
  extracao: 8,
  normalizacao: 8,
  deduplicacao: 4,
  importacao: 4,
};

/**
 * A failed stage is retried after 1, 5 and 15 min; when the third retry fails too the message goes to
 * `erro` with the reason. `tentativas` counts the retries scheduled, so a message in `erro` shows 3.
 */
export const RETRY_DELAYS_MS: readonly number[] = [60_000, 5 * 60_000, 15 * 60_000];
export const MAX_TENTATIVAS = RETRY_DELAYS_MS.length;

/** Classification thresholds (SPEC): below discard, above extract, in between ask the provider. */
export const DISCARD_BELOW = 0.25;
export const EXTRACT_ABOVE = 0.8;

/**
 * Longer texts are discarded unread: WhatsApp caps a message at 65 536 characters, real offers are a few
 * hundred, and the parsers are not linear on pathological input (a 1 MB row blocked the event loop for 20 s).
 */
export const MAX_TEXTO_LENGTH = 20_000;

/** At most this many shifts are taken from one message. */
export const MAX_SHIFTS_PER_MESSAGE = 20;

/** Values outside this range (R$) are not a shift's pay: the shift is rejected with a reason. */
export const MIN_VALOR = 100;
export const MAX_VALOR = 10_000;

/** Shift dates allowed around the message's recebida_em (local calendar days). */
export const MAX_DAYS_BEFORE = 1;
export const MAX_DAYS_AFTER = 90;

/** The classifier provider must answer within this time. */
export const CLASSIFIER_TIMEOUT_MS = 10_000;

/** Injection token for the classifier's timeout, so tests can trip it without waiting CLASSIFIER_TIMEOUT_MS. */
export const CLASSIFIER_TIMEOUT = Symbol('CLASSIFIER_TIMEOUT');

/** Injection token of the concurrency budgets, so tests can narrow them. */
export const GRUPOS_STAGE_CONCURRENCY = Symbol('GRUPOS_STAGE_CONCURRENCY');
