-- Which try of an acquisition took the lease: a retry after a lost answer (the statement committed, the
-- connection dropped before its reply) gets the lease back instead of finding it held by nobody running.
ALTER TABLE "job_locks" ADD COLUMN "attempt" TEXT;
