import { localTime } from './local-clock';
import { excerpt, greeting, retomadaMessage } from './retomada-message';

const SP = 'America/Sao_Paulo';

describe('retomada message', () => {
  it('says Bom dia before noon and Boa tarde from noon, by the local hour', () => {
    expect(greeting(localTime(new Date('2026-03-10T11:00:00Z'), SP).hour)).toBe('Bom dia'); // 08:00
    expect(greeting(localTime(new Date('2026-03-10T14:59:00Z'), SP).hour)).toBe('Bom dia'); // 11:59
    expect(greeting(localTime(new Date('2026-03-10T15:00:00Z'), SP).hour)).toBe('Boa tarde'); // 12:00
  });

  it('greets by first name and quotes the start of the original message with its local time', () => {
    const text = retomadaMessage(
      'Maria Clara Dias',
      'Oi, ainda tem   o plantão de sábado?',
      localTime(new Date('2026-03-10T11:00:00Z'), SP),
      localTime(new Date('2026-03-10T01:30:00Z'), SP),
    );
    expect(text).toBe(
      'Bom dia, Maria! Vi sua mensagem de 09/03 às 22:30: "Oi, ainda tem o plantão de sábado?". ' +
        'Agora estou por aqui: vamos continuar?',
    );
  });

  it('greets by the name after a title, and without a name when the name is blank', () => {
    const at = localTime(new Date('2026-03-10T11:00:00Z'), SP);
    const hello = (nome: string | null) => retomadaMessage(nome, 'Oi', at, at).split('!')[0];
    expect(hello('Dra. Maria Clara')).toBe('Bom dia, Maria');
    expect(hello('DR JOÃO')).toBe('Bom dia, JOÃO');
    expect(hello('   ')).toBe('Bom dia');
    expect(hello('Dr.')).toBe('Bom dia');
  });

  it('quotes nothing when the message has no text (a voice note, a photo), rather than empty quotes', () => {
    const at = localTime(new Date('2026-03-10T11:00:00Z'), SP);
    const receivedAt = localTime(new Date('2026-03-10T01:30:00Z'), SP);
    for (const mensagem of ['', '   \n ']) {
      expect(retomadaMessage('Ana', mensagem, at, receivedAt)).toBe(
        'Bom dia, Ana! Vi sua mensagem de 09/03 às 22:30. Agora estou por aqui: vamos continuar?',
      );
    }
  });

  it('quotes a message with a right-to-left override without letting it flip the rest of the reply', () => {
    const at = localTime(new Date('2026-03-10T11:00:00Z'), SP);
    const text = retomadaMessage('Ana', 'Tem vaga? \u202Eobadás', at, at);
    expect(text).toBe(
      'Bom dia, Ana! Vi sua mensagem de 10/03 às 08:00: "Tem vaga? obadás". Agora estou por aqui: vamos continuar?',
    );
    expect(excerpt('a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2067g\u2068h\u2069i')).toBe('abcdefghi');
  });

  it('cuts long messages', () => {
    const cut = excerpt('a'.repeat(200));
    expect(cut).toHaveLength(80);
    expect(cut.endsWith('…')).toBe(true);
  });
});
