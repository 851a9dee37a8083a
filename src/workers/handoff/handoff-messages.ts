import { shortenedText } from '../../common/storable-text';
import { MAX_ANNOUNCED_EXPIRIES, MAX_ANNOUNCEMENT_LINE_LENGTH } from './handoff.constants';
import type { ExpiryAnnouncement } from './handoff.repository';
import type { HandoffShift } from './handoff-shift';

/** The Portuguese texts of the handoff flow; pure functions so the wording is tested on its own. */

export function describeShift(shift: HandoffShift): string {
  const where = [shift.especialidade, shift.hospital ?? 'hospital a confirmar'].filter(Boolean).join(' no ');
  const day = shift.data === null ? '' : ` em ${shift.data.slice(8, 10)}/${shift.data.slice(5, 7)}`;
  const hours = shift.horaInicio && shift.horaFim ? ` (${shift.horaInicio}–${shift.horaFim})` : '';
  return `${where}${day}${hours}`;
}

function doctor(shift: HandoffShift): string {
  const name = firstName(shift.medicoNome);
  return name ? `o(a) Dr(a). ${name}` : 'o médico interessado';
}

function hello(name: string | null): string {
  const first = firstName(name);
  return first ? `Olá, ${first}!` : 'Olá!';
}

const TITLES = new Set(['dr', 'dra', 'doutor', 'doutora', 'sr', 'sra']);

/**
 * The first name, past a title and what is not a name ("Dra. Maria Clara" → "Maria", "~Ana 🌟" → "Ana"); null
 * when there is none. A contact WhatsApp knows only by its number is named by it ("+55 11 98765-4321"):
 * greeting "+55" is wrong, and a doctor's number must not reach the poster.
 */
export function firstName(name: string | null): string | null {
  const words = (name ?? '')
    .trim()
    .split(/\s+/)
    .filter((word) => !/\d/.test(word))
    .map((word) => word.replace(/^\P{L}+|\P{L}+$/gu, ''))
    .filter(Boolean);
  return words.find((word) => !TITLES.has(word.toLowerCase())) ?? null;
}

/** Follow-up `number` (1–3) to the poster. */
export function followupMessage(shift: HandoffShift, number: number): string {
  const plantao = describeShift(shift);
  switch (number) {
    case 1:
      return (
        `${hello(shift.divulgadorNome)} Tudo bem? Sobre o plantão ${plantao}: ${doctor(shift)} tem interesse ` +
        `e a vaga está reservada para ele(a). Você consegue confirmar se está tudo certo?`
      );
    case 2:
      return (
        `${hello(shift.divulgadorNome)} Passando para lembrar do plantão ${plantao}, reservado para ` +
        `${doctor(shift)}. Pode nos confirmar se a vaga segue com ele(a)?`
      );
    default:
      return (
        `${hello(shift.divulgadorNome)} Último lembrete: a reserva do plantão ${plantao} para ${doctor(shift)} ` +
        `expira em breve. Se puder, nos confirme por aqui.`
      );
  }
}

/** To the doctor, when the reservation expired without the poster's answer. */
export function expiredMessage(shift: HandoffShift): string {
  return (
    `${hello(shift.medicoNome)} Não recebemos a confirmação do responsável pelo plantão ${describeShift(shift)} ` +
    `a tempo, então a reserva expirou. Seguimos procurando outras vagas para você!`
  );
}

/** To the doctor, when the poster said the shift is not confirmed. */
export function notConfirmedMessage(shift: HandoffShift): string {
  return (
    `${hello(shift.medicoNome)} O responsável pelo plantão ${describeShift(shift)} não confirmou a vaga. ` +
    `Seguimos procurando outras oportunidades para você!`
  );
}

/** To Slack: the expiries a run announces, the first MAX_ANNOUNCED_EXPIRIES by name and the rest counted. */
export function expiryAnnouncement(expired: readonly ExpiryAnnouncement[]): string {
  const lines = expired.slice(0, MAX_ANNOUNCED_EXPIRIES).map((shift) => {
    const who = shift.medicoNome?.trim() || 'médico sem nome';
    const vaga =
      shift.vagaStatus === 'aberta' ? 'vaga reaberta' : 'vaga mantida (já não estava reservada para ele)';
    return shortenedText(`• ${who} — ${describeShift(shift)}: ${vaga}`, MAX_ANNOUNCEMENT_LINE_LENGTH);
  });
  const more = expired.length - lines.length;
  if (more > 0) lines.push(`… e mais ${more} handoffs expirados`);
  return `*Handoffs expirados sem confirmação do divulgador (${expired.length})*\n${lines.join('\n')}`;
}
