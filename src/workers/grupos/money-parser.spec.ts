import { findMoney, parseAmount } from './money-parser';
import { foldText } from './text-fold';

const values = (text: string) => findMoney(foldText(text)).map((m) => m.valor);

describe('findMoney', () => {
  it('reads every usual way of writing a value', () => {
    expect(values('R$ 1.800,00')).toEqual([1800]);
    expect(values('R$1800')).toEqual([1800]);
    expect(values('1800')).toEqual([1800]);
    expect(values('1.800')).toEqual([1800]);
    expect(values('1,8 mil')).toEqual([1800]);
    expect(values('2 mil')).toEqual([2000]);
    expect(values('R$1.8k')).toEqual([1800]);
    expect(values('1500 reais')).toEqual([1500]);
    expect(values('valor: 2000')).toEqual([2000]);
    expect(values('R$ 950,50')).toEqual([950.5]);
  });

  it('marks explicit values and keeps out-of-range explicit ones for the extractor to reject', () => {
    expect(findMoney(foldText('R$ 18.000,00'))).toEqual([{ valor: 18000, explicit: true, start: 0 }]);
    expect(values('R$ 50')).toEqual([50]);
  });

  it('does not take bare numbers out of range, CRM or room numbers for money', () => {
    expect(values('2 vagas')).toEqual([]);
    expect(values('CRM 123456')).toEqual([]);
    expect(values('leito 1200')).toEqual([]);
    expect(values('ano 99999')).toEqual([]);
  });

  it('does not take a count of something for money', () => {
    expect(values('Hospital com 300 leitos')).toEqual([]);
    expect(values('a 150 km de SP')).toEqual([]);
    expect(values('média de 250 pacientes por dia')).toEqual([]);
    expect(values('120 atendimentos')).toEqual([]);
    expect(values('1500 por plantão')).toEqual([1500]);
  });

  it('does not take "60 mil habitantes" or "3 mil atendimentos" for money', () => {
    expect(values('cidade de 60 mil habitantes, R$ 1.800')).toEqual([1800]);
    expect(values('300 mil habitantes')).toEqual([]);
    expect(values('3 mil atendimentos/mês')).toEqual([]);
    expect(values('2 mil por plantão')).toEqual([2000]);
  });
});

describe('parseAmount', () => {
  it.each([
    ['1.800,00', false, 1800],
    ['1800,5', false, 1800.5],
    ['1800.50', false, 1800.5],
    ['1,800', false, 1800],
    ['1,8', true, 1800],
    ['1.8', true, 1800],
    ['2', true, 2000],
    ['1.2.3', false, null],
  ])('%s (thousands %s) is %s', (text, thousands, expected) => {
    expect(parseAmount(text, thousands)).toBe(expected);
  });
});
