import type { EstagioAtivo, EstagioFinal } from './grupos.constants';
import type { Extraction } from './shift-extractor';
import type { NormalizedShift } from './shift-normalizer';

/** What each stage left in `mensagens_grupo.resultado`, so a later run resumes where one stopped. */
export interface Resultado {
  classificacao?: { score: number; features: Record<string, number>; fonte: 'modelo' | 'provedor' };
  extracao?: Extraction;
  normalizacao?: { plantoes: NormalizedShift[] };
  deduplicacao?: { novos: NormalizedShift[]; jaExistentes: number };
  importacao?: { vagaIds: string[]; importados: number; duplicados: number };
  /** why the message was discarded */
  motivo?: string;
}

/** A claimed message, as the run holds it while moving it through the stages. */
export interface ClaimedMessage {
  id: string;
  texto: string;
  recebidaEm: Date;
  estagio: EstagioAtivo;
  tentativas: number;
  resultado: Resultado;
}

/** What a stage decided. Expected outcomes, failures included, are values. */
export type StageOutcome =
  | { readonly kind: 'advance'; readonly next: EstagioAtivo; readonly resultado: Resultado }
  | { readonly kind: 'final'; readonly estagio: Exclude<EstagioFinal, 'erro'>; readonly resultado: Resultado }
  | { readonly kind: 'import'; readonly shifts: NormalizedShift[]; readonly resultado: Resultado }
  | { readonly kind: 'fail'; readonly motivo: string };
