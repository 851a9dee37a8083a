import { followupMessage } from './handoff-messages';
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
