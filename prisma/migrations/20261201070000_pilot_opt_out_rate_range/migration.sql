-- pilot_mode: the opt-out rate is the pilot group's opt-outs over the messages of the window, and opt-outs are
-- not bounded by the messages (another service flags a do-not-contact list while almost nothing is sent): at
-- 100 or more per message DECIMAL(6,4) overflowed and every run failed without storing its snapshot. The
-- error rate is a share of the messages (at most 1) and keeps its type.
ALTER TABLE "piloto_snapshots" ALTER COLUMN "taxa_opt_out" TYPE DECIMAL(14,4);
