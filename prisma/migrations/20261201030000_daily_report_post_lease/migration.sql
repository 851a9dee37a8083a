-- daily_report: a run reserves the reports it posts (`envio_reservado_em`, a short lease) and marks them
-- posted (`enviado_slack_em`) only once Slack took them, so a crash or a failed post leaves the report to
-- be posted by a later run instead of losing it, and two runs never both post one.
ALTER TABLE "relatorios_diarios" ADD COLUMN "envio_reservado_em" TIMESTAMPTZ(6);
