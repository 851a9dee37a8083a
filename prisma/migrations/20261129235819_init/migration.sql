-- CreateTable
CREATE TABLE "leads" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "telefone" TEXT,
    "nome" TEXT,
    "temperature" DECIMAL(3,2) NOT NULL DEFAULT 0.5,
    "temperature_trend" TEXT,
    "opted_out" BOOLEAN NOT NULL DEFAULT false,
    "grupo_piloto" BOOLEAN NOT NULL DEFAULT false,
    "estado" TEXT NOT NULL DEFAULT 'active',
    "cooling_off_ate" TIMESTAMPTZ(6),
    "last_inbound_at" TIMESTAMPTZ(6),
    "last_decay_at" TIMESTAMPTZ(6),
    "last_contact_at" TIMESTAMPTZ(6),
    "contatos_semana" INTEGER NOT NULL DEFAULT 0,
    "contatos_semana_desde" DATE,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "leads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fila_mensagens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "lead_id" UUID NOT NULL,
    "conteudo" TEXT NOT NULL,
    "tipo" TEXT NOT NULL,
    "prioridade" INTEGER NOT NULL DEFAULT 5,
    "status" TEXT NOT NULL DEFAULT 'pendente',
    "agendar_para" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tentativas" INTEGER NOT NULL DEFAULT 0,
    "max_tentativas" INTEGER NOT NULL DEFAULT 3,
    "processando_desde" TIMESTAMPTZ(6),
    "enviada_em" TIMESTAMPTZ(6),
    "erro" TEXT,
    "provider_message_id" TEXT,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fila_mensagens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_executions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "job_name" TEXT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'schedule',
    "due_at" TIMESTAMPTZ(6),
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "status" TEXT NOT NULL DEFAULT 'running',
    "duration_ms" INTEGER,
    "items_processed" INTEGER,
    "error" TEXT,
    "details" JSONB,
    "replica" TEXT,
    "fencing_token" BIGINT,

    CONSTRAINT "job_executions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs_agendados" (
    "job_name" TEXT NOT NULL,
    "pausado" BOOLEAN NOT NULL DEFAULT false,
    "pausado_em" TIMESTAMPTZ(6),
    "pausado_por" TEXT,
    "ultimo_vencimento_em" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jobs_agendados_pkey" PRIMARY KEY ("job_name")
);

-- CreateTable
CREATE TABLE "vagas" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "hospital" TEXT,
    "especialidade" TEXT,
    "data" DATE,
    "hora_inicio" TEXT,
    "hora_fim" TEXT,
    "valor" DECIMAL(10,2),
    "status" TEXT NOT NULL DEFAULT 'aberta',
    "mensagem_grupo_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vagas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vagas_auditoria" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "vaga_id" UUID NOT NULL,
    "status_anterior" TEXT NOT NULL,
    "status_novo" TEXT NOT NULL,
    "origem" TEXT NOT NULL,
    "motivo" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vagas_auditoria_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "leads_telefone_key" ON "leads"("telefone");

-- CreateIndex
CREATE INDEX "fila_mensagens_lead_id_idx" ON "fila_mensagens"("lead_id");

-- CreateIndex
CREATE INDEX "fila_mensagens_due_idx" ON "fila_mensagens"("prioridade" DESC, "agendar_para", "created_at") WHERE (status = 'pendente');

-- CreateIndex
CREATE INDEX "fila_mensagens_processando_idx" ON "fila_mensagens"("processando_desde") WHERE (status = 'processando');

-- CreateIndex
CREATE INDEX "job_executions_job_name_started_at_idx" ON "job_executions"("job_name", "started_at" DESC);

-- CreateIndex
CREATE INDEX "job_executions_started_at_idx" ON "job_executions"("started_at");

-- CreateIndex
CREATE INDEX "job_executions_running_idx" ON "job_executions"("job_name", "started_at") WHERE (status = 'running');

-- CreateIndex
CREATE INDEX "vagas_status_data_idx" ON "vagas"("status", "data");

-- CreateIndex
CREATE INDEX "vagas_auditoria_vaga_id_created_at_idx" ON "vagas_auditoria"("vaga_id", "created_at");

-- AddForeignKey
ALTER TABLE "fila_mensagens" ADD CONSTRAINT "fila_mensagens_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "leads"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vagas_auditoria" ADD CONSTRAINT "vagas_auditoria_vaga_id_fkey" FOREIGN KEY ("vaga_id") REFERENCES "vagas"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Integrity rules Prisma does not model (other services insert into these tables with plain SQL)
ALTER TABLE "leads" ADD CONSTRAINT "leads_temperature_range" CHECK ("temperature" >= 0 AND "temperature" <= 1);
ALTER TABLE "fila_mensagens" ADD CONSTRAINT "fila_mensagens_prioridade_range" CHECK ("prioridade" BETWEEN 0 AND 10);
ALTER TABLE "fila_mensagens" ADD CONSTRAINT "fila_mensagens_status_valid"
  CHECK ("status" IN ('pendente', 'processando', 'enviada', 'bloqueada', 'erro', 'cancelada'));
ALTER TABLE "job_executions" ADD CONSTRAINT "job_executions_status_valid"
  CHECK ("status" IN ('running', 'success', 'error', 'timeout', 'skipped'));
ALTER TABLE "vagas" ADD CONSTRAINT "vagas_status_valid"
  CHECK ("status" IN ('aberta', 'reservada', 'pendente_confirmacao', 'confirmada', 'realizada', 'cancelada'));

-- One scheduled run per (job, due time) across all replicas: inserting the execution row is the claim.
CREATE UNIQUE INDEX "job_executions_due_tick_key" ON "job_executions"("job_name", "due_at") WHERE ("due_at" IS NOT NULL);
