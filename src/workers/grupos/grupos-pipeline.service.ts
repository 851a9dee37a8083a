import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ClassifierProviderClient } from './classifier-provider.client';
import { DISCARD_BELOW, Estagio, EstagioAtivo, EXTRACT_ABOVE, MAX_TEXTO_LENGTH } from './grupos.constants';
import { GruposRepository } from './grupos.repository';
import type { ClaimedMessage, StageOutcome } from './grupos.types';
import { scoreOffer } from './offer-classifier';
import { extractShifts } from './shift-extractor';
import { dedupKey, normalizeShifts } from './shift-normalizer';

/** The work of each stage on one message. Stages read what earlier ones left in `resultado`. */
@Injectable()
export class GruposPipelineService {
  constructor(
    private readonly config: AppConfig,
    private readonly classifier: ClassifierProviderClient,
    private readonly repository: GruposRepository,
  ) {}

  run(stage: EstagioAtivo, message: ClaimedMessage, signal: AbortSignal): Promise<StageOutcome> {
    switch (stage) {
      case Estagio.classificacao:
        return this.classify(message, signal);
      case Estagio.extracao:
        return Promise.resolve(this.extract(message));
      case Estagio.normalizacao:
        return Promise.resolve(this.normalize(message));
      case Estagio.deduplicacao:
        return this.deduplicate(message);
      case Estagio.importacao:
        return Promise.resolve(this.prepareImport(message));
    }
  }

  private async classify(message: ClaimedMessage, signal: AbortSignal): Promise<StageOutcome> {
    if (message.texto.length > MAX_TEXTO_LENGTH)
      return this.discard(
        message,
        {},
        `texto longo demais (${message.texto.length} caracteres > ${MAX_TEXTO_LENGTH})`,
      );
    const { score, features } = scoreOffer(message.texto);
    const classificacao = { score, features, fonte: 'modelo' as const };
    if (score < DISCARD_BELOW)
      return this.discard(message, { classificacao }, `não é oferta (score ${score} < ${DISCARD_BELOW})`);
    if (score > EXTRACT_ABOVE)
      return { kind: 'advance', next: Estagio.extracao, resultado: { ...message.resultado, classificacao } };
    if (!this.classifier.isConfigured())
      return this.discard(
        message,
        { classificacao },
        `incerta (score ${score}) e sem classificador configurado`,
      );
    const verdict = await this.classifier.classify(message.texto, signal);
    if ('erro' in verdict) return { kind: 'fail', motivo: `classificacao: ${verdict.erro}` };
    const byProvider = { ...classificacao, fonte: 'provedor' as const };
    return verdict.oferta
      ? {
          kind: 'advance',
          next: Estagio.extracao,
          resultado: { ...message.resultado, classificacao: byProvider },
        }
      : this.discard(
          message,
          { classificacao: byProvider },
          `não é oferta segundo o classificador (score ${score})`,
        );
  }

  private extract(message: ClaimedMessage): StageOutcome {
    const extracao = extractShifts(message.texto, message.recebidaEm, this.config.SCHEDULER_TIMEZONE);
    if (extracao.plantoes.length === 0)
      return this.discard(
        message,
        { extracao },
        extracao.rejeicoes.length === 0
          ? 'nenhum plantão encontrado'
          : `nenhum plantão válido: ${extracao.rejeicoes.map((r) => r.motivo).join('; ')}`,
      );
    return { kind: 'advance', next: Estagio.normalizacao, resultado: { ...message.resultado, extracao } };
  }

  private normalize(message: ClaimedMessage): StageOutcome {
    const extracted = message.resultado.extracao;
    if (extracted === undefined)
      return { kind: 'fail', motivo: 'normalizacao: resultado da extração ausente' };
    const plantoes = normalizeShifts(extracted.plantoes);
    return {
      kind: 'advance',
      next: Estagio.deduplicacao,
      resultado: { ...message.resultado, normalizacao: { plantoes } },
    };
  }

  private async deduplicate(message: ClaimedMessage): Promise<StageOutcome> {
    const normalized = message.resultado.normalizacao;
    if (normalized === undefined)
      return { kind: 'fail', motivo: 'deduplicacao: resultado da normalização ausente' };
    const existing = await this.repository.existingKeys(normalized.plantoes);
    const novos = normalized.plantoes.filter((shift) => !existing.has(dedupKey(shift)));
    return {
      kind: 'advance',
      next: Estagio.importacao,
      resultado: {
        ...message.resultado,
        deduplicacao: { novos, jaExistentes: normalized.plantoes.length - novos.length },
      },
    };
  }

  private prepareImport(message: ClaimedMessage): StageOutcome {
    const deduplicated = message.resultado.deduplicacao;
    if (deduplicated === undefined)
      return { kind: 'fail', motivo: 'importacao: resultado da deduplicação ausente' };
    return { kind: 'import', shifts: deduplicated.novos, resultado: message.resultado };
  }

  private discard(message: ClaimedMessage, found: object, motivo: string): StageOutcome {
    return {
      kind: 'final',
      estagio: Estagio.descartado,
      resultado: { ...message.resultado, ...found, motivo },
    };
  }
}
