/** Temporary failures retry after 2, 4 and 8 minutes (SPEC fila_worker step 3), plus up to 20 % jitter. */
export const RETRY_BACKOFF_MS = [2 * 60_000, 4 * 60_000, 8 * 60_000] as const;
export const RETRY_JITTER_RATIO = 0.2;

/** A message that meets an open provider circuit waits this long, no attempt counted. */
export const CIRCUIT_OPEN_DEFERRAL_MS = 5 * 60_000;

/** Rows in `processando` longer than JOB_TIMEOUT plus this margin lost their replica. */
export const STUCK_MARGIN_MS = 60_000;

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
  emptyText: 'empty_text: conteudo is empty',
  textTooLong: `text_too_long: conteudo is over ${MAX_TEXT_LENGTH} characters`,
  devAllowlist: 'dev_allowlist',
  optedOut: 'opted_out',
  sendOutcomeUnknown:
    'send_outcome_unknown: the replica died after the send started; check the provider before re-driving',
  expired: 'expired',
} as const;
