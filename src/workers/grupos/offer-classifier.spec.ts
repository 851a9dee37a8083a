import { DISCARD_BELOW, EXTRACT_ABOVE } from './grupos.constants';
import { scoreOffer } from './offer-classifier';

describe('scoreOffer', () => {
  it('scores a full offer above the extraction threshold', () => {
    const { score, features } = scoreOffer(
      'PLANTÃO UTI ADULTO – Hospital São Lucas – 15/03 19h às 07h – R$ 1.800,00 – interessados chamar inbox',
    );
    expect(score).toBeGreaterThan(EXTRACT_ABOVE);
    expect(features).toMatchObject({ vocabulario_plantao: 0.3, valor: 0.25, data: 0.2, horario: 0.2 });
  });

  it('ignores case, accents, emojis and punctuation', () => {
    const plain = scoreOffer('plantao uti hospital sao lucas 15/03 19h as 07h r$ 1800').score;
    expect(scoreOffer('🚨 PLANTÃO!!! UTI — Hospital São Lucas, 15/03, 19h às 07h, R$ 1800 🚨').score).toBe(
      plain,
    );
  });

  it('scores chat, greetings, links and news below the discard threshold', () => {
    for (const text of [
      'Bom dia, grupo!',
      'https://www.instagram.com/p/Cx12abc/',
      'Encaminhada: CFM publica nova resolução sobre telemedicina. Leia mais',
      'kkkkk verdade',
    ])
      expect(scoreOffer(text).score).toBeLessThan(DISCARD_BELOW);
  });

  it('scores a doctor asking for a shift below the extraction threshold', () => {
    const { score, features } = scoreOffer('Procuro plantão noturno em UTI dia 15/03, alguém tem?');
    expect(score).toBeLessThanOrEqual(EXTRACT_ABOVE);
    expect(features.medico_procurando).toBeLessThan(0);
  });

  it('puts a vague shift mention in the uncertain band', () => {
    const { score } = scoreOffer('Plantão disponível no PS, interessados chamar');
    expect(score).toBeGreaterThanOrEqual(DISCARD_BELOW);
    expect(score).toBeLessThanOrEqual(EXTRACT_ABOVE);
  });
});
