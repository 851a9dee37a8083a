import { Injectable } from '@nestjs/common';
import type { JobDefinition } from './job-definition';
import { JobAliases } from './job-names';
import { UnknownJobError } from './unknown-job.error';

@Injectable()
export class JobRegistry {
  private readonly jobs = new Map<string, JobDefinition>();

  register(definition: JobDefinition): void {
    const existing = this.jobs.get(definition.name);
    if (existing)
      throw new Error(
        `job "${definition.name}" is declared twice: ${existing.source} and ${definition.source}`,
      );
    this.jobs.set(definition.name, definition);
  }

  /** Accepts job names and worker aliases (`fila_worker` → `process_queue`). */
  get(name: string): JobDefinition {
    const job = this.jobs.get(JobAliases[name] ?? name);
    if (!job) throw new UnknownJobError(name, this.names());
    return job;
  }

  has(name: string): boolean {
    return this.jobs.has(JobAliases[name] ?? name);
  }

  list(): JobDefinition[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  names(): string[] {
    return this.list().map((job) => job.name);
  }
}
