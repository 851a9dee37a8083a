-- pilot_mode (every 15 min) reads the pilot group's leads: a few hundred of a table of hundreds of
-- thousands. Partial, so the leads' updates on every send do not touch it unless the lead is in the group.
CREATE INDEX "leads_grupo_piloto_idx" ON "leads"("id") WHERE grupo_piloto;
-- foreign keys to leads: deleting (or merging) a lead must not scan these tables
CREATE INDEX "mensagens_fora_horario_lead_id_idx" ON "mensagens_fora_horario"("lead_id");
CREATE INDEX "leads_opt_out_eventos_lead_id_idx" ON "leads_opt_out_eventos"("lead_id");
