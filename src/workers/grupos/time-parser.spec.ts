import { foldText } from './text-fold';
import { findTimeRanges } from './time-parser';

const hours = (text: string) => findTimeRanges(foldText(text)).map((r) => [r.inicio, r.fim]);

describe('findTimeRanges', () => {
  it('reads explicit ranges in every usual form', () => {
    expect(hours('19h às 07h')).toEqual([['19:00', '07:00']]);
    expect(hours('19-07')).toEqual([['19:00', '07:00']]);
    expect(hours('das 7 às 19')).toEqual([['07:00', '19:00']]);
    expect(hours('07:00 - 19:00')).toEqual([['07:00', '19:00']]);
    expect(hours('7h x 19h')).toEqual([['07:00', '19:00']]);
    expect(hours('19h30 até 7h30')).toEqual([['19:30', '07:30']]);
    expect(hours('de 13 a 19h')).toEqual([['13:00', '19:00']]);
    expect(hours('19h às 24h')).toEqual([['19:00', '00:00']]);
  });

  it('reads bare hours joined by "às" or "até" as a range', () => {
    expect(hours('19 às 07')).toEqual([['19:00', '07:00']]);
    expect(hours('7 as 19')).toEqual([['07:00', '19:00']]);
    expect(hours('19 até 7')).toEqual([['19:00', '07:00']]);
  });

  it('reads hours written with a dot', () => {
    expect(hours('das 19.00 às 07.00')).toEqual([['19:00', '07:00']]);
    expect(hours('7.30 - 19.30')).toEqual([['07:30', '19:30']]);
    expect(hours('das 12.10 às 18.10')).toEqual([['12:10', '18:10']]);
    expect(hours('R$ 1.500 a 2.000')).toEqual([]);
    expect(hours('R$ 1.500 às 2.000')).toEqual([]);
  });

  it('reads several ranges on one line', () => {
    expect(hours('07-19 e 19-07')).toEqual([
      ['07:00', '19:00'],
      ['19:00', '07:00'],
    ]);
  });

  it('reads named shifts', () => {
    expect(hours('noturno')).toEqual([['19:00', '07:00']]);
    expect(hours('diurno')).toEqual([['07:00', '19:00']]);
    expect(hours('SN')).toEqual([['19:00', '07:00']]);
    expect(hours('manhã')).toEqual([['07:00', '13:00']]);
    expect(hours('à tarde')).toEqual([['13:00', '19:00']]);
    expect(hours('diurno e noturno')).toEqual([
      ['07:00', '19:00'],
      ['19:00', '07:00'],
    ]);
  });

  it('reads durations: 12h, 24h, 6h, alone or with a named shift or a start', () => {
    expect(hours('plantão 12h')).toEqual([['07:00', '19:00']]);
    expect(hours('24h')).toEqual([['07:00', '07:00']]);
    expect(hours('12h noturno')).toEqual([['19:00', '07:00']]);
    expect(hours('6h manhã')).toEqual([['07:00', '13:00']]);
    expect(hours('a partir das 19h, 12 horas')).toEqual([['19:00', '07:00']]);
  });

  it('reads a start alone', () => {
    expect(hours('às 19h')).toEqual([['19:00', null]]);
  });

  it('does not take a start of 6, 12 or 24 h for a duration of its own shift', () => {
    expect(hours('às 12h')).toEqual([['12:00', null]]);
    expect(hours('início 6h')).toEqual([['06:00', null]]);
    expect(hours('a partir das 12h, 24h')).toEqual([['12:00', '12:00']]);
    expect(hours('entrada 6h, plantão de 12h')).toEqual([['06:00', '18:00']]);
  });

  it('does not read greetings, counts, money or dates as hours', () => {
    expect(hours('Boa tarde!')).toEqual([]);
    expect(hours('2 a 3 vagas')).toEqual([]);
    expect(hours('R$ 1.500-2.000')).toEqual([]);
    expect(hours('(11) 98765-4321')).toEqual([]);
    expect(hours('1,8 mil')).toEqual([]);
  });

  it('rejects impossible hours', () => {
    expect(hours('25h às 07h')).toEqual([]);
    expect(hours('19:75 - 07:00')).toEqual([]);
  });
});
