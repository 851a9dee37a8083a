-- pilot_mode: the Slack alert of a trip is kept on the snapshot that tripped (`alerta`) and posted until
-- delivered (`alerta_enviado_em`), so a failed post is retried by a later run. A run reserves the alerts
-- it posts (`alerta_reservado_em`, a short lease) so two runs never both post one.
ALTER TABLE "piloto_snapshots" ADD COLUMN "alerta" TEXT,
ADD COLUMN "alerta_enviado_em" TIMESTAMPTZ(6),
ADD COLUMN "alerta_reservado_em" TIMESTAMPTZ(6);
