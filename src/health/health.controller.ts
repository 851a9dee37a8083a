import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { WorkersHealthReport, WorkersHealthService } from './workers-health.service';

/** Probed by Railway and Docker (and not logged: see UNLOGGED_PATH_PREFIX). */
@Controller('health')
export class HealthController {
  constructor(private readonly workers: WorkersHealthService) {}

  /** liveness: answers while the process serves HTTP, whatever its dependencies do */
  @Get()
  @HealthCheck()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** readiness of the workers: 200 when healthy, 503 with the same body when not */
  @Get('workers')
  @HealthCheck()
  async workersHealth(): Promise<WorkersHealthReport> {
    const report = await this.workers.check();
    if (report.status !== 'ok') throw new ServiceUnavailableException(report);
    return report;
  }
}
