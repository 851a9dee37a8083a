/** Temperature lost per whole day without inbound (SPEC: temperature_decay). */
export const DECAY_PER_DAY = 0.05;

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** A lead with no inbound message for this long is churned. */
export const CHURN_AFTER_MS = 90 * DAY_MS;

/** Leads read and updated per statement; every page is one round trip. */
export const DECAY_PAGE_SIZE = 500;

/** Injection token for the page size, so tests can walk many pages without seeding thousands of rows. */
export const TEMPERATURE_DECAY_PAGE_SIZE = Symbol('TEMPERATURE_DECAY_PAGE_SIZE');

/** Keyset pagination starts below every uuid. */
export const FIRST_LEAD_ID = '00000000-0000-0000-0000-000000000000';

export const LeadEstado = { active: 'active', coolingOff: 'cooling_off', churned: 'churned' } as const;

export const TEMPERATURE_TREND_COOLING = 'cooling';
