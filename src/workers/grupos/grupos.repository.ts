import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../database/prisma.service';
import { Estagio, EstagioAtivo, ESTAGIOS_FINAIS } from './grupos.constants';
import type { ClaimedMessage, Resultado } from './grupos.types';
import { dedupKey, NormalizedShift } from './shift-normalizer';

const FINAL = Prisma.join(ESTAGIOS_FINAIS.map((estagio) => Prisma.sql`${estagio}`));
const VAGA_ABERTA = 'aberta';

/** The run lost its claim on the message (its lease expired and another run took it): nothing was written. */
export const CLAIM_LOST = 'claim_lost' as const;

export interface ImportResult {
  vagaIds: string[];
}

/**
 * The grupos_worker's only door to the database. Every write after the claim is conditional on the claim
 * token (`reivindicada_por`), so a run whose lease expired cannot overwrite the run that took over.
 */
@Injectable()
export class GruposRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims up to `limit` messages not in a final stage and due (`proxima_tentativa_em` unset or past),
   * oldest first, FOR UPDATE SKIP LOCKED: two runs never claim the same row. The claim is a lease until
   * `leaseUntil`; a run that dies leaves the rows to be claimed again after it.
   */
  async claim(now: Date, leaseUntil: Date, token: string, limit: number): Promise<ClaimedMessage[]> {
    const rows = await this.prisma.$queryRaw<
      Array<{
        id: string;
        texto: string;
        recebida_em: Date;
        estagio: string;
        tentativas: number;
        resultado: unknown;
      }>
    >`
      UPDATE mensagens_grupo m SET
        estagio = CASE WHEN m.estagio = ${Estagio.pendente} THEN ${Estagio.classificacao} ELSE m.estagio END,
        proxima_tentativa_em = ${leaseUntil}::timestamptz,
        reivindicada_por = ${token},
        updated_at = now()
      WHERE m.id IN (
        SELECT id FROM mensagens_grupo
        WHERE estagio NOT IN (${FINAL})
          AND (proxima_tentativa_em IS NULL OR proxima_tentativa_em <= ${now}::timestamptz)
        ORDER BY recebida_em, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING m.id::text, m.texto, m.recebida_em, m.estagio, m.tentativas, m.resultado`;
    return rows
      .map((row) => ({
        id: row.id,
        texto: row.texto,
        recebidaEm: row.recebida_em,
        estagio: row.estagio as EstagioAtivo,
        tentativas: row.tentativas,
        resultado: (row.resultado ?? {}) as Resultado,
      }))
      .sort((a, b) => a.recebidaEm.getTime() - b.recebidaEm.getTime() || a.id.localeCompare(b.id));
  }

  /** Records a stage done: the message moves to `estagio` with what the stage found. */
  async advance(id: string, token: string, estagio: EstagioAtivo, resultado: Resultado): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE mensagens_grupo SET estagio = ${estagio}, resultado = ${json(resultado)}, updated_at = now()
      WHERE id = ${id}::uuid AND reivindicada_por = ${token}`;
    return updated === 1;
  }

  /** Ends the message in `finalizado` or `descartado`. */
  async finish(
    id: string,
    token: string,
    estagio: typeof Estagio.finalizado | typeof Estagio.descartado,
    resultado: Resultado,
  ): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE mensagens_grupo SET estagio = ${estagio}, resultado = ${json(resultado)}, erro = NULL,
        proxima_tentativa_em = NULL, reivindicada_por = NULL, updated_at = now()
      WHERE id = ${id}::uuid AND reivindicada_por = ${token}`;
    return updated === 1;
  }

  /** A failed stage: retried at `retryAt` with one more attempt counted, or, when null, the message is in `erro`. */
  async fail(id: string, token: string, motivo: string, retryAt: Date | null): Promise<boolean> {
    const updated =
      retryAt === null
        ? await this.prisma.$executeRaw`
            UPDATE mensagens_grupo SET estagio = ${Estagio.erro}, erro = ${motivo},
              proxima_tentativa_em = NULL, reivindicada_por = NULL, updated_at = now()
            WHERE id = ${id}::uuid AND reivindicada_por = ${token}`
        : await this.prisma.$executeRaw`
            UPDATE mensagens_grupo SET tentativas = tentativas + 1, erro = ${motivo},
              proxima_tentativa_em = ${retryAt}::timestamptz, reivindicada_por = NULL, updated_at = now()
            WHERE id = ${id}::uuid AND reivindicada_por = ${token}`;
    return updated === 1;
  }

  /** Gives a claimed message back (the run was stopped): due again at once, in the stage it reached. */
  async release(id: string, token: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE mensagens_grupo SET proxima_tentativa_em = NULL, reivindicada_por = NULL, updated_at = now()
      WHERE id = ${id}::uuid AND reivindicada_por = ${token}`;
  }

  /** The dedup keys among `shifts` that mined `vagas` rows already have. */
  async existingKeys(shifts: readonly NormalizedShift[]): Promise<Set<string>> {
    if (shifts.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<
      Array<{ hospital: string; data: string; hora_inicio: string; especialidade: string }>
    >`
      SELECT v.hospital, v.data::text AS data, v.hora_inicio, COALESCE(v.especialidade, '') AS especialidade
      FROM vagas v
      JOIN jsonb_to_recordset(${json(shifts.map(toRow))}) AS k(hospital text, data date, hora_inicio text, especialidade text)
        ON v.hospital = k.hospital AND v.data = k.data AND v.hora_inicio = k.hora_inicio
       AND COALESCE(v.especialidade, '') = COALESCE(k.especialidade, '')
      WHERE v.mensagem_grupo_id IS NOT NULL`;
    return new Set(
      rows.map((row) =>
        dedupKey({
          hospital: row.hospital,
          data: row.data,
          horaInicio: row.hora_inicio,
          especialidade: row.especialidade || null,
        }),
      ),
    );
  }

  /**
   * Inserts the shifts as open `vagas` (a shift another message already imported is skipped by the unique
   * key vagas_grupo_dedup_key, also under concurrent runs) and ends the message in `finalizado`, in one
   * transaction: either both happen or neither.
   */
  async importShifts(
    id: string,
    token: string,
    shifts: readonly NormalizedShift[],
    resultadoFor: (imported: ImportResult) => Resultado,
  ): Promise<ImportResult | typeof CLAIM_LOST> {
    return this.prisma.$transaction(async (tx) => {
      const owned = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id::text FROM mensagens_grupo WHERE id = ${id}::uuid AND reivindicada_por = ${token} FOR UPDATE`;
      if (owned.length === 0) return CLAIM_LOST;
      const inserted =
        shifts.length === 0
          ? []
          : await tx.$queryRaw<Array<{ id: string }>>`
              INSERT INTO vagas (hospital, especialidade, data, hora_inicio, hora_fim, valor, status, mensagem_grupo_id)
              SELECT k.hospital, k.especialidade, k.data, k.hora_inicio, k.hora_fim, k.valor, ${VAGA_ABERTA}, ${id}::uuid
              FROM jsonb_to_recordset(${json(shifts.map(toRow))})
                AS k(hospital text, especialidade text, data date, hora_inicio text, hora_fim text, valor numeric)
              ON CONFLICT DO NOTHING
              RETURNING id::text`;
      const imported = { vagaIds: inserted.map((row) => row.id) };
      await tx.$executeRaw`
        UPDATE mensagens_grupo SET estagio = ${Estagio.finalizado}, resultado = ${json(resultadoFor(imported))},
          erro = NULL, proxima_tentativa_em = NULL, reivindicada_por = NULL, updated_at = now()
        WHERE id = ${id}::uuid`;
      return imported;
    });
  }
}

function toRow(shift: NormalizedShift) {
  return {
    hospital: shift.hospital,
    especialidade: shift.especialidade,
    data: shift.data,
    hora_inicio: shift.horaInicio,
    hora_fim: shift.horaFim,
    valor: shift.valor,
  };
}

function json(value: unknown): Prisma.Sql {
  return Prisma.sql`${JSON.stringify(value)}::jsonb`;
}
