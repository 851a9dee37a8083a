import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service';

export interface BriefingVersion {
  versao: number;
  hash: string;
}

/** The sync_briefing job's only door to the database. */
@Injectable()
export class SyncBriefingRepository {
  constructor(private readonly prisma: PrismaService) {}

  latest(): Promise<BriefingVersion | null> {
    return this.prisma.briefing.findFirst({
      orderBy: { versao: 'desc' },
      select: { versao: true, hash: true },
    });
  }

  /**
   * Stores the next version unless the latest already has this hash, in one statement; a concurrent
   * insert of the same version number fails on the unique key instead of making two.
   */
  async storeIfChanged(conteudo: string, hash: string, fonte: string, contentType: string | null) {
    const rows = await this.prisma.$queryRaw<{ versao: number }[]>`
      WITH latest AS (SELECT versao, hash FROM briefings ORDER BY versao DESC LIMIT 1)
      INSERT INTO briefings (versao, conteudo, hash, fonte, content_type)
      SELECT COALESCE((SELECT versao FROM latest), 0) + 1, ${conteudo}, ${hash}, ${fonte}, ${contentType}
      WHERE NOT EXISTS (SELECT 1 FROM latest WHERE hash = ${hash})
      RETURNING versao`;
    return rows[0]?.versao ?? null;
  }
}
