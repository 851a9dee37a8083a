-- fila_worker: the send-started mark, one row per wave of sends in flight instead of an update of every
-- row of the wave. It is written in the statement that writes the previous wave's outcomes and deleted in
-- the one that writes its own; rows of a dead replica that are still named here may have reached the
-- provider, and the reaper flags them send_outcome_unknown instead of sending them again.
CREATE TABLE "fila_envios_iniciados" (
    "id" BIGSERIAL NOT NULL,
    "iniciado_em" TIMESTAMPTZ(6) NOT NULL,
    "fila_ids" UUID[] NOT NULL,
    "numeros_envio" TEXT[] NOT NULL,

    CONSTRAINT "fila_envios_iniciados_pkey" PRIMARY KEY ("id")
);
