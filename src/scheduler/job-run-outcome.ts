import type { JobStatus, JobTrigger } from './job.types';

export interface JobRunOutcome {
  jobName: string;
  executionId: string | null;
  trigger: JobTrigger;
  status: Exclude<JobStatus, 'running'>;
  durationMs: number;
  itemsProcessed: number;
  error: string | null;
  details: Record<string, unknown> | null;
}
