import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../database/prisma.service';
import { AUDIT_MOTIVO, AUDIT_ORIGEM, HORA_PATTERN, VagaStatus } from './shift-confirmation.constants';

// The shift's end as an instant: `data` + `hora_fim` in the scheduler's timezone, on the next day when
// the shift crosses midnight (hora_fim <= hora_inicio). CASE (not AND) guards every cast: PostgreSQL does
// not promise the order in which AND evaluates its operands.
const shiftEnd = (timeZone: string) => Prisma.sql`
  CASE WHEN v.hora_fim ~ ${HORA_PATTERN} THEN
    (v.data + v.hora_fim::time
      + CASE WHEN v.hora_inicio ~ ${HORA_PATTERN}
             THEN CASE WHEN v.hora_fim::time <= v.hora_inicio::time THEN interval '1 day' ELSE interval '0' END
             ELSE interval '0' END
    ) AT TIME ZONE ${timeZone}::text
  END`;

/** The shift_confirmation job's only door to the database. */
@Injectable()
export class ShiftConfirmationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Moves up to `limit` reserved shifts that ended before `endedBefore` to pendente_confirmacao and
   * writes one audit row each, in one statement (one transaction). `status = 'reservada'` is part of the
   * UPDATE itself, so a second or concurrent run finds nothing left to move and audits nothing.
   */
  async moveEndedShifts(endedBefore: Date, timeZone: string, limit: number): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ moved: number }[]>`
      WITH due AS (
        SELECT v.id FROM vagas v
        WHERE v.status = ${VagaStatus.reservada}
          AND v.data IS NOT NULL
          AND ${shiftEnd(timeZone)} < ${endedBefore}::timestamptz
        ORDER BY v.id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ),
      moved AS (
        UPDATE vagas v SET status = ${VagaStatus.pendenteConfirmacao}, updated_at = now()
        FROM due
        WHERE v.id = due.id AND v.status = ${VagaStatus.reservada}
        RETURNING v.id
      ),
      audited AS (
        INSERT INTO vagas_auditoria (vaga_id, status_anterior, status_novo, origem, motivo)
        SELECT id, ${VagaStatus.reservada}, ${VagaStatus.pendenteConfirmacao}, ${AUDIT_ORIGEM}, ${AUDIT_MOTIVO}
        FROM moved
        RETURNING vaga_id
      )
      SELECT count(*)::int AS moved FROM audited`;
    return row.moved;
  }

  /** Reserved shifts whose end cannot be known (no date, no or malformed end time): never moved. */
  async countWithoutEnd(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM vagas
      WHERE status = ${VagaStatus.reservada}
        AND (data IS NULL OR hora_fim IS NULL OR hora_fim !~ ${HORA_PATTERN})`;
    return row.count;
  }
}
