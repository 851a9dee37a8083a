import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '../common/clock';
import { AdminJobsRepository } from './admin-jobs.repository';
import { AdminQueueRepository } from './admin-queue.repository';
import { AdminTokenGuard } from './admin-token.guard';

const CHART_HOURS = 24;
const FAILURES_SHOWN = 20;

/** What the dashboard shows besides jobs and dead letters. */
@ApiTags('dashboard')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/stats')
export class AdminStatsController {
  constructor(
    private readonly queue: AdminQueueRepository,
    private readonly jobs: AdminJobsRepository,
    private readonly clock: Clock,
  ) {}

  @Get('hourly')
  @ApiOperation({ summary: 'Messages sent and queue size (estimated) per hour over the last 24 h' })
  async hourly() {
    return { hours: await this.queue.hourly(this.clock.now(), CHART_HOURS) };
  }

  @Get('failures')
  @ApiOperation({ summary: 'Runs that failed or timed out in the last 24 h, newest first (20)' })
  async failures() {
    const since = new Date(this.clock.now().getTime() - CHART_HOURS * 3_600_000);
    return { failures: await this.jobs.recentFailures(since, FAILURES_SHOWN) };
  }
}
