import type { BusinessHoursCalendar } from '../../common/business-hours-calendar';
import { isBrazilianNationalNumber } from '../../common/phone-number';
import type { ClaimedMessage } from './claimed-message';
import { MAX_TEXT_LENGTH, PHONE_PATTERN, Reasons } from './fila.constants';
import type { MessageOutcome } from './message-outcome';

export interface ScreenRules {
  readonly isProduction: boolean;
  readonly allowlist: ReadonlySet<string>;
  readonly calendar: BusinessHoursCalendar;
}

export type ScreenResult = { readonly kind: 'ok'; readonly phone: string } | MessageOutcome;

/**
 * The checks before any limit is spent, in SPEC order: a malformed row, a lead without a phone or with a
 * Brazilian number lacking its country code (sent as it is, it reaches another country) is `erro`; outside production only allowlisted phones; opted-out leads are `bloqueada`; proactive
 * messages outside business hours wait for the next opening.
 */
export function screenMessage(message: ClaimedMessage, rules: ScreenRules, now: Date): ScreenResult {
  const failed = (reason: string): MessageOutcome => ({
    kind: 'failed',
    id: message.id,
    reason,
    attemptCounted: false,
  });
  if (!message.lead) return failed(Reasons.leadMissing);
  const phone = message.lead.telefone?.trim() ?? '';
  if (!phone) return failed(Reasons.noPhone);
  if (!PHONE_PATTERN.test(phone)) return failed(Reasons.badPhone);
  // refused, not rewritten: the lead would keep the wrong number for every other message and service
  if (isBrazilianNationalNumber(phone)) return failed(Reasons.nationalPhone);
  if (!message.conteudo?.trim()) return failed(Reasons.emptyText);
  if (message.conteudo.length > MAX_TEXT_LENGTH) return failed(Reasons.textTooLong);
  if (!rules.isProduction && !rules.allowlist.has(phone))
    return { kind: 'blocked', id: message.id, reason: Reasons.devAllowlist };
  if (message.lead.optedOut) return { kind: 'blocked', id: message.id, reason: Reasons.optedOut };
  return outOfHours(message, rules.calendar, now) ?? { kind: 'ok', phone };
}

/**
 * A proactive message outside business hours waits for the next opening; a live reply goes any time. Asked when a batch is screened and again when each wave is sent: a batch can wait for the one
 * before it, and a wave for the waves before it, past closing time.
 */
export function outOfHours(
  message: ClaimedMessage,
  calendar: BusinessHoursCalendar,
  now: Date,
): MessageOutcome | null {
  if (message.liveReply || calendar.isOpen(now)) return null;
  return {
    kind: 'deferred',
    id: message.id,
    until: calendar.nextOpening(now),
    reason: 'outside_business_hours',
    attemptCounted: false,
  };
}
