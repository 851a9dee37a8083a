import { JobNames } from '../../scheduler/job-names';

/** A reserved shift is asked for confirmation once it ended more than this long ago. */
export const CONFIRMATION_DELAY_MS = 2 * 60 * 60 * 1000;

/** Shifts moved per statement. */
export const SHIFT_CONFIRMATION_BATCH_SIZE = 500;

export const VagaStatus = {
  aberta: 'aberta',
  reservada: 'reservada',
  pendenteConfirmacao: 'pendente_confirmacao',
} as const;

/** `origem` of the audit rows this job writes. */
export const AUDIT_ORIGEM = JobNames.shiftConfirmation;
export const AUDIT_MOTIVO = 'turno terminou há mais de 2 h';

/**
 * `HH:MM` (also `H:MM`, and `24:00` for midnight at the end of a shift). Checked in SQL before the
 * cast to `time`, so one malformed row is skipped instead of failing the whole statement.
 */
export const HORA_PATTERN = '^(([01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)$';
