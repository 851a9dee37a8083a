import { extractShifts } from './shift-extractor';
import { normalizeShifts } from './shift-normalizer';

const SP = 'America/Sao_Paulo';
// Tuesday 2026-03-10 09:00 in São Paulo
const RECEBIDA = new Date('2026-03-10T12:00:00Z');

describe('extractShifts', () => {
  it('resolves relative dates in SCHEDULER_TIMEZONE, not UTC', () => {
    // 22:00 on Tuesday in São Paulo is already Wednesday in UTC
    const lateEvening = new Date('2026-03-11T01:00:00Z');
    const { plantoes } = extractShifts('Plantão PS Hospital Vitória amanhã 19-07 R$ 1.500', lateEvening, SP);
    expect(plantoes.map((p) => p.data)).toEqual(['2026-03-11']);
    expect(
      extractShifts('Plantão PS Hospital Vitória amanhã 19-07', lateEvening, 'UTC').plantoes[0].data,
    ).toBe('2026-03-12');
  });

  it('puts a night shift on the date it starts', () => {
    const { plantoes } = extractShifts('UTI Hospital Vitória 15/03 19h às 07h R$ 2.000', RECEBIDA, SP);
    expect(plantoes).toEqual([
      {
        data: '2026-03-15',
        inicio: '19:00',
        fim: '07:00',
        hospital: 'Hospital Vitória',
        especialidade: 'UTI',
        valor: 2000,
      },
    ]);
  });

  it('reads "dia 15 às 19h" as the 15th from 19:00, not drop the offer', () => {
    const { plantoes, rejeicoes } = extractShifts(
      'Plantão UTI Hospital Vitória dia 15 às 19h R$ 2.000',
      RECEBIDA,
      SP,
    );
    expect(rejeicoes).toEqual([]);
    expect(plantoes.map((p) => [p.data, p.inicio, p.fim])).toEqual([['2026-03-15', '19:00', null]]);
    expect(
      extractShifts('Plantão PS Hospital Vitória dia 25 às 19h às 7h', RECEBIDA, SP).plantoes.map((p) => [
        p.data,
        p.inicio,
        p.fim,
      ]),
    ).toEqual([['2026-03-25', '19:00', '07:00']]);
  });

  it('reads a night written from its start date and hour to its end date and hour as one shift', () => {
    const night = (text: string) =>
      normalizeShifts(
        extractShifts(`Plantão UTI Hospital Vitória ${text} R$ 1.500`, RECEBIDA, SP).plantoes,
      ).map((p) => [p.data, p.horaInicio, p.horaFim]);
    const one = [['2026-03-15', '19:00', '07:00']];
    expect(night('15/03 19h até 16/03 7h')).toEqual(one);
    expect(night('15/03 às 19h até o dia 16/03 às 07:00')).toEqual(one);
    expect(night('das 19h do dia 15 às 7h do dia 16')).toEqual(one);
    expect(night('15/03 (19h de 15/03 às 7h de 16/03)')).toEqual(one);
    expect(night('15/03 19h às 7h do dia 16')).toEqual(one);
    expect(night('15/03 – 19h às 7h do dia 16/03')).toEqual(one);
    expect(night('15/03: 19h até 16/03, 7h')).toEqual(one);
    expect(night('31/03 19h até 01/04 7h')).toEqual([['2026-03-31', '19:00', '07:00']]);
    // two nights, or a day and a night, stay two shifts
    expect(night('15/03 19h às 7h e 16/03 19h às 7h')).toEqual([
      ['2026-03-15', '19:00', '07:00'],
      ['2026-03-16', '19:00', '07:00'],
    ]);
    expect(night('15/03 7h às 19h, 16/03 19h às 7h')).toEqual([
      ['2026-03-15', '07:00', '19:00'],
      ['2026-03-16', '19:00', '07:00'],
    ]);
  });

  it('ends the hospital name before the day words after it, so a repost is the same hospital', () => {
    const hospital = (text: string) =>
      normalizeShifts(
        extractShifts(`Plantão PS Hospital Municipal de Barueri ${text}`, RECEBIDA, SP).plantoes,
      )[0]?.hospital;
    expect(hospital('segunda 19h às 7h R$ 1.500')).toBe('Hospital Municipal de Barueri');
    expect(hospital('segunda-feira 19h às 7h R$ 1.500')).toBe('Hospital Municipal de Barueri');
    expect(hospital('sexta-feira, 19h às 7h')).toBe('Hospital Municipal de Barueri');
    expect(hospital('depois de amanhã 19h às 7h')).toBe('Hospital Municipal de Barueri');
    expect(hospital('próximo sábado 19h às 7h')).toBe('Hospital Municipal de Barueri');
    expect(hospital('nesta sexta 19h às 7h')).toBe('Hospital Municipal de Barueri');
    expect(hospital('período noturno 15/03')).toBe('Hospital Municipal de Barueri');
    expect(hospital('turno da noite 15/03 19h às 7h')).toBe('Hospital Municipal de Barueri');
  });

  it('reads "15/03 19 às 07" and "dia 7 às 19" with their hours instead of rejecting them without hours', () => {
    const shifts = (text: string) =>
      extractShifts(`Plantão UTI Hospital Vitória ${text} R$ 1.500`, RECEBIDA, SP).plantoes.map((p) => [
        p.data,
        p.inicio,
        p.fim,
      ]);
    expect(shifts('15/03 19 às 07')).toEqual([['2026-03-15', '19:00', '07:00']]);
    expect(shifts('amanhã 7 às 19')).toEqual([['2026-03-11', '07:00', '19:00']]);
  });

  it('reads "de 15 a 17/03 19h às 7h" as three nights, not one shift on the 17th from 15:00 to 19:00', () => {
    const { plantoes } = extractShifts(
      'Plantão UTI Hospital Vitória de 15 a 17/03 19h às 7h R$ 1.500',
      RECEBIDA,
      SP,
    );
    expect(plantoes.map((p) => [p.data, p.inicio, p.fim])).toEqual([
      ['2026-03-15', '19:00', '07:00'],
      ['2026-03-16', '19:00', '07:00'],
      ['2026-03-17', '19:00', '07:00'],
    ]);
  });

  it('does not take a phone number without area code, or a CEP, for the value', () => {
    const valor = (text: string) =>
      extractShifts(`Plantão UTI Hospital Vitória amanhã 19h às 7h. ${text}`, RECEBIDA, SP).plantoes[0].valor;
    expect(valor('Falar com Ana 98765-4321')).toBeNull();
    expect(valor('Falar com Ana 9 8765-4321')).toBeNull();
    expect(valor('Falar com Ana 11 9 8765-4321')).toBeNull();
    expect(valor('Falar com Ana 987654321')).toBeNull();
    expect(valor('Endereço: CEP 04538-132')).toBeNull();
    expect(valor('R$ 1.500. Falar com Ana 98765-4321')).toBe(1500);
    expect(valor('Valor 1500-1800')).toBe(1500);
  });

  it("does not take the hospital's street number for the value", () => {
    const valor = (text: string) =>
      extractShifts(`Plantão UTI Hospital Vitória amanhã 19h às 7h\n${text}`, RECEBIDA, SP).plantoes[0].valor;
    expect(valor('Endereço: Av. Paulista, 1500')).toBeNull();
    expect(valor('Rua Vergueiro 2300')).toBeNull();
    expect(valor('Rua Dr. Arnaldo nº 455')).toBeNull();
    expect(valor('Av Brasil, 500 - R$ 1.800')).toBe(1800);
    expect(valor('Rua X 12h 1500')).toBe(1500);
  });

  it('takes the value written out with R$ anywhere in the message over a bare number on an earlier line', () => {
    const { plantoes } = extractShifts(
      'Plantão UTI Hospital Vitória amanhã 19h às 7h\nReferência na zona sul desde 1998\nPagamento: R$ 1.800',
      RECEBIDA,
      SP,
    );
    expect(plantoes.map((p) => p.valor)).toEqual([1800]);
  });

  it('reads "hj" as today', () => {
    const { plantoes } = extractShifts('Plantão UTI Hospital Vitória hj 19h às 7h R$ 1.500', RECEBIDA, SP);
    expect(plantoes.map((p) => [p.data, p.hospital])).toEqual([['2026-03-10', 'Hospital Vitória']]);
  });

  it('rejects dates outside 1 day before to 90 days after recebida_em, with the reason', () => {
    const text = 'Plantões PS Hospital Vitória 19-07 R$ 1.500:\n08/03\n09/03\n08/06\n09/06';
    const { plantoes, rejeicoes } = extractShifts(text, RECEBIDA, SP);
    expect(plantoes.map((p) => p.data)).toEqual(['2026-03-09', '2026-06-08']);
    expect(rejeicoes.map((r) => r.motivo)).toEqual([
      'data fora da janela (1 dia antes a 90 depois): 2026-03-08',
      'data fora da janela (1 dia antes a 90 depois): 2026-06-09',
    ]);
  });

  it('rejects values outside R$ 100–10 000, with the reason', () => {
    const { plantoes, rejeicoes } = extractShifts(
      'Hospital Vitória UTI 15/03 19-07 R$ 15.000\nHospital Vitória UTI 16/03 19-07 R$ 50\nHospital Vitória UTI 17/03 19-07 R$ 10.000',
      RECEBIDA,
      SP,
    );
    expect(plantoes.map((p) => [p.data, p.valor])).toEqual([['2026-03-17', 10000]]);
    expect(rejeicoes.map((r) => r.motivo)).toEqual([
      'valor fora da faixa (R$ 100–10000): 15000',
      'valor fora da faixa (R$ 100–10000): 50',
    ]);
  });

  it('rejects a shift without hours or hospital', () => {
    expect(extractShifts('Plantão PS 15/03 19-07 R$ 1.500', RECEBIDA, SP).rejeicoes[0].motivo).toBe(
      'sem hospital: 2026-03-15',
    );
    expect(extractShifts('Plantão PS Hospital Vitória 15/03', RECEBIDA, SP).rejeicoes[0].motivo).toBe(
      'sem horário: 2026-03-15',
    );
  });

  it('takes at most 20 shifts from one message', () => {
    const days = Array.from({ length: 25 }, (_, i) => `${String(1 + i).padStart(2, '0')}/04`).join('\n');
    const { plantoes, rejeicoes } = extractShifts(`Escala PS Hospital Vitória 19-07\n${days}`, RECEBIDA, SP);
    expect(plantoes).toHaveLength(20);
    expect(rejeicoes).toHaveLength(5);
    expect(rejeicoes[0].motivo).toBe('mais de 20 plantões');
  });

  it('gives the same shifts whenever the message is processed: only recebida_em counts', () => {
    const text = 'Plantão sábado diurno UPA Vila Nova 1,8 mil';
    expect(extractShifts(text, RECEBIDA, SP)).toEqual(extractShifts(text, new Date(RECEBIDA), SP));
    expect(extractShifts(text, RECEBIDA, SP).plantoes[0].data).toBe('2026-03-14');
  });
});

describe('normalizeShifts', () => {
  it('writes hospitals and specialties in canonical form and keeps a repeated shift once', () => {
    const shift = {
      data: '2026-03-15',
      inicio: '19:00',
      fim: '07:00',
      hospital: 'HOSP. SAO LUCAS',
      especialidade: 'uti adulto',
      valor: 1800,
    };
    expect(
      normalizeShifts([shift, { ...shift, hospital: 'Hospital São Lucas', especialidade: 'UTI' }]),
    ).toEqual([
      {
        data: '2026-03-15',
        horaInicio: '19:00',
        horaFim: '07:00',
        hospital: 'Hospital São Lucas',
        especialidade: 'Medicina Intensiva',
        valor: 1800,
      },
    ]);
  });

  it('writes out prefixes and title-cases unknown hospitals', () => {
    const base = { data: '2026-03-15', inicio: '7:00', fim: null, especialidade: null, valor: null };
    const names = ['HM BARUERI', 'Einstein', 'santa casa de santos', 'HC'].map(
      (hospital) => normalizeShifts([{ ...base, hospital }])[0].hospital,
    );
    expect(names).toEqual([
      'Hospital Municipal Barueri',
      'Hospital Israelita Albert Einstein',
      'Santa Casa de Santos',
      'Hospital das Clínicas',
    ]);
    expect(normalizeShifts([{ ...base, hospital: 'HC' }])[0].horaInicio).toBe('07:00');
  });
});
