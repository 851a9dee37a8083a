import { tripAlertText } from './pilot-trip-alert';

const reason = 'taxa de erro 15.0% > 10.0% em 20 mensagens (24 h)';

describe('tripAlertText', () => {
  it('lists the autonomous features turned off', () => {
    expect(tripAlertText(['discovery', 'feedback', 'offers', 'reactivation'], reason)).toBe(
      `:warning: Modo piloto: funcionalidades autônomas desligadas (discovery, feedback, offers, reactivation). Motivo: ${reason}.`,
    );
  });

  it('says pilot mode was turned on, never lists it among the features turned off', () => {
    expect(tripAlertText(['discovery', 'offers', 'pilot_mode'], reason)).toBe(
      `:warning: Modo piloto: funcionalidades autônomas desligadas (discovery, offers) e modo piloto ligado. Motivo: ${reason}.`,
    );
    expect(tripAlertText(['pilot_mode'], reason)).toBe(
      `:warning: Modo piloto: modo piloto ligado (as funcionalidades autônomas já estavam desligadas). Motivo: ${reason}.`,
    );
  });
});
