import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SlackNotifier } from '../../notifications/slack.notifier';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { localDate } from '../../common/local-time';
import { reportText } from './daily-figures';
import { DailyReportRepository } from './daily-report.repository';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Yesterday (local; the day before the run's due date) in numbers: stored as a row and posted to Slack once (logged when Slack is unset). */
@Injectable()
export class DailyReportService {
  constructor(
    private readonly repository: DailyReportRepository,
    private readonly slack: SlackNotifier,
    private readonly config: AppConfig,
  ) {}

  async run(context: JobContext): Promise<JobResult> {
    const now = context.clock.now();
    const timeZone = this.config.SCHEDULER_TIMEZONE;
    // a catch-up late into the next day still reports the day before its due date, not a day half gone
    const today = localDate(context.dueAt ?? now, timeZone);
    // Noon today minus a day is always yesterday's date, whatever the offset or DST.
    const yesterday = localDate(new Date(new Date(`${today}T12:00:00Z`).getTime() - DAY_MS), 'UTC');
    const figures = await this.repository.figures(yesterday, timeZone, now);
    const text = reportText(figures);
    await this.repository.save(figures, text);

    let slack: string;
    if (!(await this.repository.markPosted(yesterday, now))) slack = 'already posted';
    else {
      const result = await this.slack.notify({ text });
      slack = result.delivered ? 'posted' : result.reason;
      // a failed post may be retried by a re-run; "not configured" counts as done (it was logged)
      if (slack === 'failed') await this.repository.unmarkPosted(yesterday);
    }
    context.logger.info('daily report built', { data: yesterday, slack });
    return { itemsProcessed: 1, details: { ...figures, slack } };
  }
}
