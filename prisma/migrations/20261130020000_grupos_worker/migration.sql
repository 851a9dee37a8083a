-- grupos_worker: WhatsApp group messages and their progress through the offer-mining pipeline.

-- CreateTable
CREATE TABLE "mensagens_grupo" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "grupo" TEXT,
    "autor" TEXT,
    "texto" TEXT NOT NULL,
    "recebida_em" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "estagio" TEXT NOT NULL DEFAULT 'pendente',
    "tentativas" INTEGER NOT NULL DEFAULT 0,
    "erro" TEXT,
    "proxima_tentativa_em" TIMESTAMPTZ(6),
    "reivindicada_por" TEXT,
    "resultado" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mensagens_grupo_pkey" PRIMARY KEY ("id")
);

-- Integrity rules Prisma does not model (other services insert into this table with plain SQL)
ALTER TABLE "mensagens_grupo" ADD CONSTRAINT "mensagens_grupo_estagio_valid"
  CHECK ("estagio" IN ('pendente', 'classificacao', 'extracao', 'normalizacao', 'deduplicacao', 'importacao',
                       'finalizado', 'descartado', 'erro'));
ALTER TABLE "mensagens_grupo" ADD CONSTRAINT "mensagens_grupo_tentativas_range" CHECK ("tentativas" >= 0);

-- The rows a run may claim: not in a final stage, oldest first.
CREATE INDEX "mensagens_grupo_a_processar_idx" ON "mensagens_grupo"("recebida_em", "id")
  WHERE ("estagio" NOT IN ('finalizado', 'descartado', 'erro'));

-- Shifts imported from groups are deduplicated by (hospital, data, hora_inicio, especialidade): the same
-- shift reposted or posted in several groups is one row, also under concurrent runs (INSERT ... ON CONFLICT
-- DO NOTHING). The pipeline always sets hospital, data and hora_inicio; an unknown specialty counts as ''.
-- Scoped to mined rows: other services may insert two identical shifts on purpose (two doctors needed).
CREATE UNIQUE INDEX "vagas_grupo_dedup_key" ON "vagas"("hospital", "data", "hora_inicio", COALESCE("especialidade", ''))
  WHERE ("mensagem_grupo_id" IS NOT NULL);
