import { expiryAnnouncement, firstName, followupMessage } from './handoff-messages';
import type { HandoffShift } from './handoff-shift';

const shift: HandoffShift = {
  handoffId: 'h',
  leadId: 'l',
  vagaId: 'v',
  medicoNome: 'Dr. Pedro Alves',
  divulgadorNome: 'Dra. Ana Souza',
  divulgadorTelefone: '5511987654321',
  hospital: 'Hospital Vitória',
  especialidade: 'Medicina Intensiva',
  data: '2026-03-15',
  horaInicio: '19:00',
  horaFim: '07:00',
  followupCount: 0,
};

describe('handoff messages', () => {
  it('name the poster and the doctor by the name after their title', () => {
    expect(followupMessage(shift, 1)).toBe(
      'Olá, Ana! Tudo bem? Sobre o plantão Medicina Intensiva no Hospital Vitória em 15/03 (19:00–07:00): ' +
        'o(a) Dr(a). Pedro tem interesse e a vaga está reservada para ele(a). Você consegue confirmar se está ' +
        'tudo certo?',
    );
  });

  it('leave out a blank name instead of writing "Olá, !"', () => {
    const text = followupMessage({ ...shift, divulgadorNome: '  ', medicoNome: ' ' }, 2);
    expect(text.startsWith('Olá! Passando para lembrar')).toBe(true);
    expect(text).toContain('reservado para o médico interessado.');
  });
});

describe('the names in the messages', () => {
  it.each([['+55 11 98765-4321'], ['5511987654321'], ['~ 98765-4321']])(
    'leave out a "name" that is a phone number (%s: a contact WhatsApp knows only by its number)',
    (nome) => {
      const text = followupMessage({ ...shift, divulgadorNome: nome, medicoNome: nome }, 1);
      expect(text.startsWith('Olá! Tudo bem?')).toBe(true);
      expect(text).toContain('o médico interessado tem interesse');
      expect(text).not.toMatch(/\d{4}/);
    },
  );

  it('greet by the first word that is a name', () => {
    expect(firstName('🌟 Dra. Ana Paula')).toBe('Ana');
    expect(firstName('~Carlos Lima')).toBe('Carlos');
    expect(firstName('Ana, plantonista')).toBe('Ana');
    expect(firstName('Carlos 2º plantão')).toBe('Carlos');
    expect(firstName("D'Ávila")).toBe("D'Ávila");
  });
});

describe('the expiry announcement', () => {
  it('cuts a line that a very long name would make too long, never inside a character', () => {
    const text = expiryAnnouncement([
      { ...shift, medicoNome: `Pedro ${'😀'.repeat(500)}`, vagaStatus: 'aberta' },
      { ...shift, vagaStatus: 'reservada' },
    ]);
    const [header, long, short] = text.split('\n');
    expect(header).toBe('*Handoffs expirados sem confirmação do divulgador (2)*');
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/^• Pedro 😀+…$/u);
    expect(short).toBe(
      '• Dr. Pedro Alves — Medicina Intensiva no Hospital Vitória em 15/03 (19:00–07:00): ' +
        'vaga mantida (já não estava reservada para ele)',
    );
  });

  it('says "médico sem nome" for a doctor whose name is blank, not an empty bullet', () => {
    const text = expiryAnnouncement([{ ...shift, medicoNome: '  ', vagaStatus: 'aberta' }]);
    expect(text.split('\n')[1]).toMatch(/^• médico sem nome — Medicina Intensiva/);
  });
});
