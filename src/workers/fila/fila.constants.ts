/**
 * Temporary failures retry after RETRY_BACKOFF_SECONDS (SPEC fila_worker step 3: 2, 4 and 8 minutes), plus up
 * to this much jitter. A message that meets an open provider circuit waits CIRCUIT_OPEN_SECONDS (5 min).
 */
export const RETRY_JITTER_RATIO = 0.2;

/** Rows in `processando` longer than JOB_TIMEOUT plus this margin lost their replica. */
export const STUCK_MARGIN_MS = 60_000;

/**
 * A run starts no new wave after this share of JOB_TIMEOUT and puts the rest back untouched: a backlog
 * larger than one run can send then ends each run as a success (the next tick carries on), not as a
 * `timeout` that history, alerts and /health/workers read as a failing queue. The remaining share is
 * for the wave in flight and the final writes.
 */
export const RUN_BUDGET_SHARE = 0.8;

/**
 * A run sends through this many lanes. Each claims its own batches and sends them in waves of its share of
 * WORKER_CONCURRENCY, so no more than WORKER_CONCURRENCY sends are ever in flight; while one lane waits for
 * its database write (its last wave's outcomes and its next wave's send-started mark) the other's sends
 * keep the provider connections busy. Each lane has its own marks: a replica killed mid-send still leaves
 * at most WORKER_CONCURRENCY messages in doubt.
 */
export const SEND_LANES = 2;

/** Campaign rows still pending after this long are cancelled (`expired`). */
export const CAMPAIGN_EXPIRY_MS = 24 * 60 * 60_000;
export const CAMPAIGN_TIPOS: readonly string[] = ['campanha'];

/** Replies may go at any hour; every other `tipo` is proactive and waits for business hours. */
export const REPLY_TIPO = 'resposta';

/** WhatsApp's limit for one text message. */
export const MAX_TEXT_LENGTH = 4096;

/** Digits only, country code first (leads.telefone). */
export const PHONE_PATTERN = /^\d{10,15}$/;

/** erro/bloqueio reasons, as operators read them in `fila_mensagens.erro`. */
export const Reasons = {
  leadMissing: 'lead_missing: the lead does not exist',
  noPhone: 'no_phone: the lead has no phone number',
  badPhone: 'bad_phone: the phone must be 10 to 15 digits, country code first',
  nationalPhone:
    'bad_phone: a Brazilian number without the country code 55 (sent as it is, it reaches another country); fix leads.telefone to 55 + DDD + number',
  emptyText: 'empty_text: conteudo is empty',
  textTooLong: `text_too_long: conteudo is over ${MAX_TEXT_LENGTH} characters`,
  devAllowlist: 'dev_allowlist',
  optedOut: 'opted_out',
  sendOutcomeUnknown:
    'send_outcome_unknown: the replica died after the send started; check the provider before re-driving',
  expired: 'expired',
} as const;
