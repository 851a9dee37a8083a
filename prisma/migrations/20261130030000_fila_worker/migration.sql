-- fila_worker: the send-started mark and the sending number of each message, the lead's last number
ALTER TABLE "fila_mensagens" ADD COLUMN "envio_iniciado_em" TIMESTAMPTZ(6),
ADD COLUMN "numero_envio" TEXT;

ALTER TABLE "leads" ADD COLUMN "numero_envio" TEXT;

-- the dead-letter set (admin re-drive lists it newest first)
CREATE INDEX "fila_mensagens_erro_idx" ON "fila_mensagens"("updated_at" DESC) WHERE (status = 'erro');
