import { Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminJobsService } from './admin-jobs.service';
import { AdminTokenGuard } from './admin-token.guard';
import { pageQuery, runNowQuery, type PageQuery } from './admin.schemas';
import { Operator } from './operator.decorator';
import { ZodValidationPipe } from './zod-validation.pipe';

@ApiTags('jobs')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/jobs')
export class AdminJobsController {
  constructor(private readonly jobs: AdminJobsService) {}

  @Get()
  @ApiOperation({ summary: 'Every job with its schedule, next run, last run and paused flag' })
  async list() {
    return { jobs: await this.jobs.list() };
  }

  @Post(':name/run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a job now through the runner (lock, history); paused jobs run too',
    description:
      '200 with the outcome when it finished within `wait` seconds; 202 when it is still running; 409 when another run holds the lock.',
  })
  @ApiQuery({
    name: 'wait',
    required: false,
    description: 'seconds to wait for the outcome (0–300, default 10)',
  })
  @ApiResponse({ status: 200, description: 'finished' })
  @ApiResponse({ status: 202, description: 'still running' })
  @ApiResponse({ status: 409, description: 'skipped: another run holds the lock' })
  async run(
    @Param('name') name: string,
    @Query(new ZodValidationPipe(runNowQuery)) query: { wait: number },
    @Res({ passthrough: true }) response: Response,
    @Operator() by: string,
  ) {
    const answer = await this.jobs.runNow(name, query.wait, by);
    if (!answer.finished) {
      response.status(202);
      return { job: answer.job, status: 'running' };
    }
    const { outcome } = answer;
    if (outcome.status === 'skipped') response.status(409);
    return {
      job: outcome.jobName,
      status: outcome.status,
      execution_id: outcome.executionId,
      duration_ms: outcome.durationMs,
      items_processed: outcome.itemsProcessed,
      error: outcome.error,
      details: outcome.details,
    };
  }

  @Post(':name/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a job on every replica (its ticks are not run until resumed)' })
  async pause(@Param('name') name: string, @Operator() by: string) {
    await this.jobs.pause(name, by);
    return { job: this.jobs.known(name), paused: true };
  }

  @Post(':name/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused job' })
  async resume(@Param('name') name: string, @Operator() by: string) {
    await this.jobs.resume(name, by);
    return { job: this.jobs.known(name), paused: false };
  }

  @Get(':name/executions')
  @ApiOperation({ summary: "A job's execution history, newest first, paged" })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'per_page', required: false, description: '1–200, default 20' })
  async history(@Param('name') name: string, @Query(new ZodValidationPipe(pageQuery)) page: PageQuery) {
    const { total, items } = await this.jobs.history(name, page);
    return { job: this.jobs.known(name), page: page.page, per_page: page.per_page, total, items };
  }
}
