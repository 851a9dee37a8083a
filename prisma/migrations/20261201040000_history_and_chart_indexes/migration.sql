-- Reads that run on every health check, alert check and dashboard refresh must not scan tables that keep
-- months of history (job_executions keeps 30 days, ~10 000 runs a day; fila_mensagens keeps every sent
-- message).
-- /health/workers (last finished run) and check_alerts (long runs finished in the window):
CREATE INDEX "job_executions_finished_at_idx" ON "job_executions"("finished_at");
-- /health/workers: fila_worker's last successful poll
CREATE INDEX "job_executions_success_idx" ON "job_executions"("job_name", "finished_at") WHERE (status = 'success');
-- GET /admin/stats/hourly: the messages that reached a final status in the chart's window. A row enters it
-- once, at its final write (the partial predicate keeps the claim and the deferrals off it).
CREATE INDEX "fila_mensagens_finished_idx" ON "fila_mensagens"("updated_at") WHERE (status NOT IN ('pendente', 'processando'));
