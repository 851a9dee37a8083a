const MINUTE_MS = 60 * 1000;

/** SPEC fila_worker step 5: consecutive temporary failures that open the circuit. */
export const CIRCUIT_FAILURE_THRESHOLD = 5;

/**
 * How long the circuit first stays open; doubled by every failed probe… (the service takes both from
 * CIRCUIT_OPEN_SECONDS / CIRCUIT_MAX_OPEN_SECONDS, whose defaults are these)
 */
export const CIRCUIT_OPEN_MS = 5 * MINUTE_MS;

/** …up to this. */
export const CIRCUIT_MAX_OPEN_MS = 30 * MINUTE_MS;

/**
 * A half-open probe that never reports back (its caller crashed or forgot) stops blocking other probes
 * after this; far longer than a provider request may take (PROVIDER_TIMEOUT_SECONDS is at most 60).
 */
export const CIRCUIT_PROBE_LEASE_MS = 2 * MINUTE_MS;
