import { canonicalHospital } from './hospital-dictionary';
import type { ExtractedShift } from './shift-extractor';
import { findSpecialty } from './specialty-dictionary';
import { foldText } from './text-fold';

/** A shift in the form `vagas` stores: canonical names, `HH:MM`, value in R$. */
export interface NormalizedShift {
  hospital: string;
  especialidade: string | null;
  data: string;
  horaInicio: string;
  horaFim: string | null;
  valor: number | null;
}

/** Canonical hospital and specialty names; the same shift written twice in one message is kept once. */
export function normalizeShifts(shifts: readonly ExtractedShift[]): NormalizedShift[] {
  const seen = new Set<string>();
  const normalized: NormalizedShift[] = [];
  for (const shift of shifts) {
    const result: NormalizedShift = {
      hospital: canonicalHospital(shift.hospital),
      especialidade: shift.especialidade === null ? null : findSpecialty(foldText(shift.especialidade)),
      data: shift.data,
      horaInicio: toHhmm(shift.inicio),
      horaFim: shift.fim === null ? null : toHhmm(shift.fim),
      valor: shift.valor === null ? null : Math.round(shift.valor * 100) / 100,
    };
    const key = dedupKey(result);
    if (seen.has(key)) continue;
    seen.add(key);
    normalized.push(result);
  }
  return normalized;
}

/** The key `vagas` is deduplicated on (the unique index vagas_grupo_dedup_key). */
export function dedupKey(shift: Pick<NormalizedShift, 'hospital' | 'data' | 'horaInicio' | 'especialidade'>) {
  return [shift.hospital, shift.data, shift.horaInicio, shift.especialidade ?? ''].join('|');
}

function toHhmm(time: string): string {
  const [hours, minutes = '0'] = time.split(':');
  return `${hours.padStart(2, '0')}:${minutes.padStart(2, '0')}`;
}
