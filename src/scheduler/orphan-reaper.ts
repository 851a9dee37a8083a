import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { LockService } from '../redis/lock.service';
import { JobHistoryRepository } from './job-history.repository';

// A live run ends (or is aborted) at JOB_TIMEOUT; past this margin a `running` row has no process.
const ORPHAN_MARGIN_MS = 60_000;

/** Closes `running` rows whose process died (crash, kill -9), so history never shows ghosts. */
@Injectable()
export class OrphanReaper {
  private readonly logger = new Logger('scheduler');

  constructor(
    private readonly history: JobHistoryRepository,
    private readonly locks: LockService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async reap(): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(now.getTime() - this.config.jobTimeoutMs - ORPHAN_MARGIN_MS);
    let closed = 0;
    for (const execution of await this.history.runningStartedBefore(cutoff)) {
      const holder = await this.locks.currentHolder(`job:${execution.jobName}`);
      // still locked by this very run: its process is alive and will write the status itself
      if (holder !== null && holder === execution.fencingToken) continue;
      const reason = 'orphaned: the process running it stopped before recording a result (crash or kill)';
      if (await this.history.closeOrphan(execution, reason, now)) {
        closed++;
        this.logger.warn({ msg: 'orphaned run closed', job: execution.jobName, execution_id: execution.id });
      }
    }
    return closed;
  }
}
