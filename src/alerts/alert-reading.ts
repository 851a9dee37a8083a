import type { AlertKind } from './alerts.constants';

/** One rule's verdict at one check: firing or not, and what to tell operators either way. */
export interface AlertReading {
  readonly kind: AlertKind;
  readonly firing: boolean;
  /** the alert text while firing; the "resolved" text otherwise */
  readonly text: string;
}
