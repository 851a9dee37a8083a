-- Job locks in PostgreSQL, for a deployment with DATABASE_URL but no REDIS_URL: `npm run job` and the
-- service (or two replicas) then still never run one job at once. A lease like Redis's `lock:job:*`:
-- the holder renews `expires_at`; a holder that died frees the job when it passes. The row stays after a
-- release so the next fencing token is still above every earlier one.
CREATE TABLE "job_locks" (
    "resource" TEXT NOT NULL,
    "fencing_token" BIGINT NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "job_locks_pkey" PRIMARY KEY ("resource")
);
