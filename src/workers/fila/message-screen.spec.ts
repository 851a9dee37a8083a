import { BusinessHoursCalendar } from '../../common/business-hours-calendar';
import { parseBusinessHours } from '../../config/business-hours';
import type { ClaimedMessage } from './claimed-message';
import { MAX_TEXT_LENGTH, Reasons } from './fila.constants';
import { screenMessage, type ScreenRules } from './message-screen';

const TUESDAY_11H = new Date('2026-03-10T11:00:00-03:00');
const TUESDAY_22H = new Date('2026-03-10T22:00:00-03:00');
const PHONE = '5511900000001';

const rules = (overrides: Partial<ScreenRules> = {}): ScreenRules => ({
  isProduction: true,
  allowlist: new Set(),
  calendar: new BusinessHoursCalendar(parseBusinessHours('mon-fri 08:00-20:00'), 'America/Sao_Paulo'),
  ...overrides,
});

const message = (overrides: Partial<ClaimedMessage> = {}): ClaimedMessage => ({
  id: 'm1',
  leadId: 'l1',
  conteudo: 'Olá, temos um plantão',
  tipo: 'oferta',
  liveReply: false,
  tentativas: 0,
  maxTentativas: 3,
  claimedAt: TUESDAY_11H,
  lead: { telefone: PHONE, optedOut: false, numeroEnvio: null },
  ...overrides,
});

const failed = (reason: string) => ({ kind: 'failed', id: 'm1', reason, attemptCounted: false });

describe('screenMessage', () => {
  it('passes a well-formed message with its phone', () => {
    expect(screenMessage(message(), rules(), TUESDAY_11H)).toEqual({ kind: 'ok', phone: PHONE });
  });

  it('fails a row whose lead is gone, or whose phone or text is unusable, without spending an attempt', () => {
    expect(screenMessage(message({ lead: null }), rules(), TUESDAY_11H)).toEqual(failed(Reasons.leadMissing));
    const lead = { optedOut: false, numeroEnvio: null };
    expect(screenMessage(message({ lead: { ...lead, telefone: null } }), rules(), TUESDAY_11H)).toEqual(
      failed(Reasons.noPhone),
    );
    expect(screenMessage(message({ lead: { ...lead, telefone: '  ' } }), rules(), TUESDAY_11H)).toEqual(
      failed(Reasons.noPhone),
    );
    expect(screenMessage(message({ lead: { ...lead, telefone: '+55 11 9' } }), rules(), TUESDAY_11H)).toEqual(
      failed(Reasons.badPhone),
    );
    for (const national of ['51987654321', '1133334444'])
      expect(screenMessage(message({ lead: { ...lead, telefone: national } }), rules(), TUESDAY_11H)).toEqual(
        failed(Reasons.nationalPhone),
      );
    expect(
      screenMessage(message({ lead: { ...lead, telefone: '12125551234' } }), rules(), TUESDAY_11H).kind,
    ).toBe('ok');
    expect(screenMessage(message({ conteudo: ' \n' }), rules(), TUESDAY_11H)).toEqual(
      failed(Reasons.emptyText),
    );
    expect(
      screenMessage(message({ conteudo: 'x'.repeat(MAX_TEXT_LENGTH + 1) }), rules(), TUESDAY_11H),
    ).toEqual(failed(Reasons.textTooLong));
    expect(screenMessage(message({ conteudo: 'x'.repeat(MAX_TEXT_LENGTH) }), rules(), TUESDAY_11H).kind).toBe(
      'ok',
    );
  });

  it('outside production blocks phones not in the allowlist, before looking at opt-out', () => {
    const dev = rules({ isProduction: false, allowlist: new Set(['5511911111111']) });
    const optedOut = message({ lead: { telefone: PHONE, optedOut: true, numeroEnvio: null } });
    expect(screenMessage(optedOut, dev, TUESDAY_11H)).toMatchObject({
      kind: 'blocked',
      reason: Reasons.devAllowlist,
    });
    const allowed = rules({ isProduction: false, allowlist: new Set([PHONE]) });
    expect(screenMessage(message(), allowed, TUESDAY_11H).kind).toBe('ok');
    expect(screenMessage(optedOut, allowed, TUESDAY_11H)).toMatchObject({
      kind: 'blocked',
      reason: Reasons.optedOut,
    });
  });

  it('defers a proactive message to the next opening at night, and lets a reply through', () => {
    expect(screenMessage(message(), rules(), TUESDAY_22H)).toEqual({
      kind: 'deferred',
      id: 'm1',
      until: new Date('2026-03-11T08:00:00-03:00'),
      reason: 'outside_business_hours',
      attemptCounted: false,
    });
    expect(screenMessage(message({ tipo: 'resposta', liveReply: true }), rules(), TUESDAY_22H)).toEqual({
      kind: 'ok',
      phone: PHONE,
    });
    // a reply from a morning backlog (metadata horario_comercial) is held like a proactive message
    expect(
      screenMessage(message({ tipo: 'resposta', liveReply: false }), rules(), TUESDAY_22H),
    ).toMatchObject({
      kind: 'deferred',
      until: new Date('2026-03-11T08:00:00-03:00'),
    });
  });
});
