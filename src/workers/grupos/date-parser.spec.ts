import { findDates } from './date-parser';
import { foldText } from './text-fold';

// Tuesday 2026-03-10
const REF = '2026-03-10';
const dates = (text: string, reference = REF) => findDates(foldText(text), reference).map((m) => m.date);

describe('findDates', () => {
  it('reads dd/mm as the nearest such date to the day received', () => {
    expect(dates('plantão 15/03 19h')).toEqual(['2026-03-15']);
    expect(dates('dia 5/4')).toEqual(['2026-04-05']);
    expect(dates('15/01', '2026-12-20')).toEqual(['2027-01-15']);
    expect(dates('28/12', '2027-01-03')).toEqual(['2026-12-28']);
  });

  it('reads dd.mm and dd.mm.yyyy, but not values or decimals', () => {
    expect(dates('plantão 15.03 19h')).toEqual(['2026-03-15']);
    expect(dates('15.03.2026')).toEqual(['2026-03-15']);
    expect(dates('R$ 1.500 / 2.5 mil / 12.50 / 1.8k / 15.03 mil')).toEqual([]);
    expect(dates('das 12.10 às 18.10, 8.11h')).toEqual([]);
  });

  it('reads dd/mm/yyyy and dd/mm/yy', () => {
    expect(dates('15/03/2026')).toEqual(['2026-03-15']);
    expect(dates('15/03/27')).toEqual(['2027-03-15']);
  });

  it('reads amanhã, hoje and depois de amanhã', () => {
    expect(dates('Plantão amanhã noturno')).toEqual(['2026-03-11']);
    expect(dates('HOJE')).toEqual(['2026-03-10']);
    expect(dates('depois de amanhã')).toEqual(['2026-03-12']);
    expect(dates('plantão hj 19h')).toEqual(['2026-03-10']);
  });

  it('reads a weekday as the next one, today when it is today', () => {
    expect(dates('sábado diurno')).toEqual(['2026-03-14']);
    expect(dates('segunda-feira')).toEqual(['2026-03-16']);
    expect(dates('terça')).toEqual(['2026-03-10']);
    expect(dates('domingo')).toEqual(['2026-03-15']);
  });

  it('ignores the weekday beside a calendar date', () => {
    expect(dates('sábado 21/03')).toEqual(['2026-03-21']);
  });

  it('reads "dia 15" as this month, or next month once the day has passed', () => {
    expect(dates('dia 15')).toEqual(['2026-03-15']);
    expect(dates('dia 9')).toEqual(['2026-03-09']); // yesterday: a late post
    expect(dates('dia 2')).toEqual(['2026-04-02']);
    expect(dates('dia 31', '2026-04-10')).toEqual(['2026-05-31']);
  });

  it('reads "dia N" said on the 1st as yesterday when yesterday was the N-th, across a month or year', () => {
    expect(dates('dia 31', '2026-04-01')).toEqual(['2026-03-31']);
    expect(dates('dia 30', '2026-05-01')).toEqual(['2026-04-30']);
    expect(dates('dia 28', '2026-03-01')).toEqual(['2026-02-28']);
    expect(dates('dia 31', '2027-01-01')).toEqual(['2026-12-31']);
    // not yesterday: still this month's (March has a 30th) or the next month's
    expect(dates('dia 30', '2026-03-01')).toEqual(['2026-03-30']);
    expect(dates('dias 31 e 1', '2026-04-01')).toEqual(['2026-03-31', '2026-04-01']);
  });

  it('reads "dia 15 às 19h" as a date, but not "de dia 7 às 19h" (daytime) or "dia 7 às 19"', () => {
    expect(dates('dia 15 às 19h')).toEqual(['2026-03-15']);
    expect(dates('dia 25 as 19:00')).toEqual(['2026-03-25']);
    expect(dates('plantão de dia 7 às 19h')).toEqual([]);
    expect(dates('dia 7 às 19')).toEqual([]);
  });

  it('reads lists of days', () => {
    expect(dates('dias 15, 16 e 17/03')).toEqual(['2026-03-15', '2026-03-16', '2026-03-17']);
    expect(dates('dias 20 e 21')).toEqual(['2026-03-20', '2026-03-21']);
    expect(dates('21 e 22/03')).toEqual(['2026-03-21', '2026-03-22']);
  });

  it('does not read an hour range after "dia 15," as more days', () => {
    expect(dates('dia 15, 19-07')).toEqual(['2026-03-15']);
  });

  it('reads a range of days as every day in it', () => {
    const days = ['2026-03-15', '2026-03-16', '2026-03-17'];
    expect(dates('de 15 a 17/03')).toEqual(days);
    expect(dates('15/03 a 17/03')).toEqual(days);
    expect(dates('dias 15 a 17/03')).toEqual(days);
    expect(dates('dias 15 a 17')).toEqual(days);
    expect(dates('do dia 15 ao dia 17/03')).toEqual(days);
    expect(dates('30/03 a 01/04')).toEqual(['2026-03-30', '2026-03-31', '2026-04-01']);
    expect(dates('dias 30 a 1/04')).toEqual(['2026-03-30', '2026-03-31', '2026-04-01']);
    expect(dates('de 19 a 07/04')).toEqual(['2026-04-07']); // hours, then a date
    expect(dates('das 7 a 19/03')).toEqual(['2026-03-19']);
    // two consecutive days are one night, as "15 para 16/03"
    expect(dates('15/03 a 16/03')).toEqual(['2026-03-15']);
  });

  it('reads written months', () => {
    expect(dates('25 de março')).toEqual(['2026-03-25']);
    expect(dates('2 de abril de 2026')).toEqual(['2026-04-02']);
  });

  it('reads a night written as "15 para 16/03" as the night it starts', () => {
    expect(dates('de 15 para 16/03')).toEqual(['2026-03-15']);
    expect(dates('31/03 pra 01/04')).toEqual(['2026-03-31']);
  });

  it('gives null for a day that does not exist', () => {
    expect(dates('31/02')).toEqual([null]);
  });

  it('does not take hours, money or phone numbers for dates', () => {
    expect(dates('19h às 07h R$ 1.800,00 (11) 98765-4321')).toEqual([]);
  });
});
