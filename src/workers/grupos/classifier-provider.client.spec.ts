import { parseVerdict } from './classifier-provider.client';

describe('parseVerdict', () => {
  it('reads the JSON answer asked for, also inside a code fence', () => {
    expect(parseVerdict('{"oferta": true}')).toEqual({ oferta: true });
    expect(parseVerdict('```json\n{"oferta": false}\n```')).toEqual({ oferta: false });
  });

  it('reads a plain sim / não', () => {
    expect(parseVerdict('Sim, é uma oferta.')).toEqual({ oferta: true });
    expect(parseVerdict('NÃO')).toEqual({ oferta: false });
  });

  it('reads "oferta: false" and "oferta: não" as no offer, not as a plain "oferta"', () => {
    expect(parseVerdict('oferta: false')).toEqual({ oferta: false });
    expect(parseVerdict('Oferta: não')).toEqual({ oferta: false });
    expect(parseVerdict('"oferta": false')).toEqual({ oferta: false });
    expect(parseVerdict('Oferta: sim')).toEqual({ oferta: true });
  });

  it('reads the JSON answer when the model wraps it in words', () => {
    expect(parseVerdict('{"oferta": false}\nÉ um médico pedindo plantão.')).toEqual({ oferta: false });
    expect(parseVerdict('Resposta: {"oferta": true}')).toEqual({ oferta: true });
  });

  it('gives an error value for anything else', () => {
    expect(parseVerdict('talvez')).toEqual({ erro: 'classificador respondeu algo ilegível' });
    expect(parseVerdict(undefined)).toEqual({ erro: 'classificador respondeu sem conteúdo' });
  });
});
