-- AlterTable
ALTER TABLE "fila_mensagens" ADD COLUMN     "chave_idempotencia" TEXT;

-- CreateTable
CREATE TABLE "handoffs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "lead_id" UUID NOT NULL,
    "vaga_id" UUID NOT NULL,
    "divulgador_nome" TEXT,
    "divulgador_telefone" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reserved_until" TIMESTAMPTZ(6) NOT NULL DEFAULT (now() + '48:00:00'::interval),
    "followup_count" INTEGER NOT NULL DEFAULT 0,
    "last_followup_at" TIMESTAMPTZ(6),
    "expired_at" TIMESTAMPTZ(6),
    "respondido_em" TIMESTAMPTZ(6),
    "respondido_por" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "handoffs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mensagens_fora_horario" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "lead_id" UUID NOT NULL,
    "mensagem" TEXT NOT NULL,
    "recebida_em" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processada" BOOLEAN NOT NULL DEFAULT false,
    "processada_em" TIMESTAMPTZ(6),
    "resultado" TEXT,
    "fila_mensagem_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mensagens_fora_horario_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "briefings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "versao" INTEGER NOT NULL,
    "conteudo" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "fonte" TEXT NOT NULL,
    "content_type" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "briefings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "relatorios_diarios" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "data" DATE NOT NULL,
    "metricas" JSONB NOT NULL,
    "texto" TEXT NOT NULL,
    "enviado_slack_em" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "relatorios_diarios_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "piloto_snapshots" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "janela_inicio" TIMESTAMPTZ(6) NOT NULL,
    "janela_fim" TIMESTAMPTZ(6) NOT NULL,
    "leads_piloto" INTEGER NOT NULL,
    "enviadas" INTEGER NOT NULL,
    "respostas" INTEGER NOT NULL,
    "opt_outs" INTEGER NOT NULL,
    "bloqueadas" INTEGER NOT NULL,
    "erros" INTEGER NOT NULL,
    "taxa_opt_out" DECIMAL(6,4) NOT NULL,
    "taxa_erro" DECIMAL(6,4) NOT NULL,
    "disparou" BOOLEAN NOT NULL DEFAULT false,
    "motivo" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "piloto_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "feature_flags" (
    "nome" TEXT NOT NULL,
    "ativo" BOOLEAN NOT NULL,
    "motivo" TEXT,
    "atualizado_por" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feature_flags_pkey" PRIMARY KEY ("nome")
);

-- CreateTable
CREATE TABLE "leads_opt_out_eventos" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "lead_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "leads_opt_out_eventos_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "handoffs_vaga_id_idx" ON "handoffs"("vaga_id");

-- CreateIndex
CREATE INDEX "handoffs_lead_id_idx" ON "handoffs"("lead_id");

-- CreateIndex
CREATE UNIQUE INDEX "briefings_versao_key" ON "briefings"("versao");

-- CreateIndex
CREATE UNIQUE INDEX "relatorios_diarios_data_key" ON "relatorios_diarios"("data");

-- CreateIndex
CREATE INDEX "piloto_snapshots_created_at_idx" ON "piloto_snapshots"("created_at");

-- CreateIndex
CREATE INDEX "leads_opt_out_eventos_created_at_idx" ON "leads_opt_out_eventos"("created_at");

-- AddForeignKey
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_vaga_id_fkey" FOREIGN KEY ("vaga_id") REFERENCES "vagas"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mensagens_fora_horario" ADD CONSTRAINT "mensagens_fora_horario_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leads_opt_out_eventos" ADD CONSTRAINT "leads_opt_out_eventos_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Integrity rules and indexes Prisma does not model (other services insert into these tables with plain SQL)
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_status_valid"
  CHECK ("status" IN ('pending', 'contacted', 'confirmed', 'not_confirmed', 'expired'));
ALTER TABLE "handoffs" ADD CONSTRAINT "handoffs_followup_count_range" CHECK ("followup_count" BETWEEN 0 AND 3);

-- Enqueue is idempotent across concurrent runs: INSERT ... ON CONFLICT DO NOTHING on this key.
CREATE UNIQUE INDEX "fila_mensagens_chave_idempotencia_key" ON "fila_mensagens"("chave_idempotencia")
  WHERE "chave_idempotencia" IS NOT NULL;

-- handoff_processor scans only the handoffs still open.
CREATE INDEX "handoffs_open_idx" ON "handoffs"("reserved_until") WHERE ("status" IN ('pending', 'contacted'));

-- retomada_fora_horario reads the unprocessed messages, oldest first.
CREATE INDEX "mensagens_fora_horario_pendentes_idx" ON "mensagens_fora_horario"("recebida_em")
  WHERE ("processada" = false);

-- The opt-out moment, whoever flips leads.opted_out (the inbound service does it with plain SQL):
-- pilot_mode measures opt-outs per 24 h from these rows.
CREATE FUNCTION "leads_registrar_opt_out"() RETURNS trigger AS $$
BEGIN
  INSERT INTO "leads_opt_out_eventos" ("lead_id") VALUES (NEW."id");
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "leads_opt_out_evento_update" AFTER UPDATE OF "opted_out" ON "leads"
  FOR EACH ROW WHEN (NEW."opted_out" AND NOT OLD."opted_out") EXECUTE FUNCTION "leads_registrar_opt_out"();
CREATE TRIGGER "leads_opt_out_evento_insert" AFTER INSERT ON "leads"
  FOR EACH ROW WHEN (NEW."opted_out") EXECUTE FUNCTION "leads_registrar_opt_out"();
