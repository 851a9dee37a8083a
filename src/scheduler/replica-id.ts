import { hostname } from 'node:os';

/** Which process ran a job, as operators see it in `job_executions.replica` and in logs. */
export const replicaId = `${hostname()}:${process.pid}`;
