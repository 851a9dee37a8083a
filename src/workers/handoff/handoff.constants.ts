import { JobNames } from '../../scheduler/job-names';

const HOUR_MS = 60 * 60 * 1000;

export const HandoffStatus = {
  pending: 'pending',
  contacted: 'contacted',
  confirmed: 'confirmed',
  notConfirmed: 'not_confirmed',
  expired: 'expired',
} as const;

/** Statuses still waiting for the poster: followed up and expired by the processor. */
export const OPEN_STATUSES = [HandoffStatus.pending, HandoffStatus.contacted];

/** Follow-up n (1-based) is due this long after the handoff was created (SPEC: 2 h, 24 h, 36 h). */
export const FOLLOWUP_OFFSETS_MS = [2 * HOUR_MS, 24 * HOUR_MS, 36 * HOUR_MS] as const;

export const MAX_FOLLOWUPS = FOLLOWUP_OFFSETS_MS.length;

/**
 * After an outage several follow-ups can be overdue at once; one goes per run, and never two to the same
 * poster closer than this, counted from when the previous one was sent (the scheduled gaps are 22 h and
 * 12 h, so on time it never applies).
 */
export const MIN_FOLLOWUP_GAP_MS = 2 * HOUR_MS;

/**
 * An expiry whose Slack post failed is announced by a later run, while it expired within this window: a
 * long Slack outage must not flood the channel with stale news once it is back.
 */
export const ANNOUNCE_WINDOW_MS = 48 * HOUR_MS;

/**
 * Expiries listed by name in one Slack post, the rest only counted: Slack cuts a post at 40 000 characters,
 * and after an outage hundreds can expire in one run.
 */
export const MAX_ANNOUNCED_EXPIRIES = 30;

/** An announced expiry's line is cut here (names and hospitals come from outside and may be any length). */
export const MAX_ANNOUNCEMENT_LINE_LENGTH = 200;

/** How long a run holds the announcements it is posting (a Slack post and its retry take seconds). */
export const ANNOUNCE_LEASE_MS = 2 * 60 * 1000;

/**
 * How long a handoff's transaction waits for a row another session holds (a psql left in a transaction,
 * another service's long write) before it gives up on that handoff for this run: the run goes on with the
 * others, and the next run tries again. Without it one locked shift held the run until statement_timeout,
 * and no handoff after it was expired or followed up.
 */
export const HANDOFF_LOCK_TIMEOUT_MS = 5_000;

/** Handoffs handled per statement; a run loops until a batch comes back short. */
export const HANDOFF_BATCH_SIZE = 100;

/** fila_mensagens.tipo of what this worker enqueues (all proactive: quiet hours apply). */
export const TIPO_FOLLOWUP = 'handoff_followup';
export const TIPO_DOCTOR_NOTICE = 'handoff_aviso';

export const PRIORIDADE_FOLLOWUP = 6;
export const PRIORIDADE_DOCTOR_NOTICE = 7;

/** `origem` of the shift audit rows written here. */
export const AUDIT_ORIGEM = JobNames.handoffProcessor;

export const followupKey = (handoffId: string, number: number) => `handoff:${handoffId}:followup:${number}`;
export const doctorNoticeKey = (handoffId: string, status: string) => `handoff:${handoffId}:${status}`;
