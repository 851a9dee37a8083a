import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';
import type { Queryable } from '../../queue/outbound-queue.repository';

export interface FeatureFlagRow {
  nome: string;
  ativo: boolean;
  motivo: string | null;
  atualizadoPor: string | null;
  updatedAt: Date;
}

/** The only door to `feature_flags`. Nothing is cached: every replica reads the live value on every use. */
@Injectable()
export class FeatureFlagsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Writes the start-up values of flags that have no row yet; a stored value is never overwritten. */
  async seed(defaults: Readonly<Record<string, boolean>>, by: string): Promise<void> {
    for (const [nome, ativo] of Object.entries(defaults)) {
      await this.prisma.$executeRaw`
        INSERT INTO feature_flags (nome, ativo, atualizado_por) VALUES (${nome}, ${ativo}, ${by})
        ON CONFLICT (nome) DO NOTHING`;
    }
  }

  find(nome: string): Promise<FeatureFlagRow | null> {
    return this.prisma.featureFlag.findUnique({ where: { nome } });
  }

  findAll(): Promise<FeatureFlagRow[]> {
    return this.prisma.featureFlag.findMany({ orderBy: { nome: 'asc' } });
  }

  async set(nome: string, ativo: boolean, motivo: string | null, by: string): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO feature_flags (nome, ativo, motivo, atualizado_por) VALUES (${nome}, ${ativo}, ${motivo}, ${by})
      ON CONFLICT (nome) DO UPDATE
        SET ativo = EXCLUDED.ativo, motivo = EXCLUDED.motivo, atualizado_por = EXCLUDED.atualizado_por,
            updated_at = now()`;
  }

  /**
   * Turns the named flags to `ativo` where they are not already, in one statement, and says which changed:
   * of two replicas tripping at once, only one sees a change (and alerts). Pass `db` to commit the switch
   * with the caller's own writes.
   */
  async switchWhereDifferent(
    nomes: readonly string[],
    ativo: boolean,
    motivo: string,
    by: string,
    db: Queryable = this.prisma,
  ): Promise<string[]> {
    const rows = await db.$queryRaw<{ nome: string }[]>`
      UPDATE feature_flags
      SET ativo = ${ativo}, motivo = ${motivo}, atualizado_por = ${by}, updated_at = now()
      WHERE nome = ANY(${[...nomes]}::text[]) AND ativo IS DISTINCT FROM ${ativo}
      RETURNING nome`;
    return rows.map((row) => row.nome).sort();
  }
}
