import { judgePilot, PilotCounts } from './pilot-metrics';

const counts = (fields: Partial<PilotCounts>): PilotCounts => ({
  leadsPiloto: 50,
  enviadas: 0,
  respostas: 0,
  optOuts: 0,
  bloqueadas: 0,
  erros: 0,
  ...fields,
});

describe('judgePilot', () => {
  it('does not judge fewer than 20 messages', () => {
    expect(judgePilot(counts({ enviadas: 15, erros: 4, optOuts: 5 })).tripReason).toBeNull();
  });

  it('trips above 5 % opt-outs, not at 5 %', () => {
    expect(judgePilot(counts({ enviadas: 40, optOuts: 2 })).tripReason).toBeNull();
    expect(judgePilot(counts({ enviadas: 40, optOuts: 3 })).tripReason).toMatch(
      /^taxa de opt-out 7.5% > 5.0%/,
    );
  });

  it('trips above 10 % errors, not at 10 %', () => {
    expect(judgePilot(counts({ enviadas: 18, erros: 2 })).tripReason).toBeNull();
    expect(judgePilot(counts({ enviadas: 17, erros: 3 }))).toMatchObject({
      messages: 20,
      errorRate: 0.15,
      tripReason: 'taxa de erro 15.0% > 10.0% em 20 mensagens (24 h)',
    });
  });
});
