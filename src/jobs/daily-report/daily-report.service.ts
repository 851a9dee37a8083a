import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SlackNotifier } from '../../notifications/slack.notifier';
import type { JobContext, JobResult } from '../../scheduler/job.types';
import { addDays } from '../../common/calendar-date';
import { localDate } from '../../common/local-time';
import { reportText } from './daily-figures';
import { REPORT_RETRY_DAYS } from './daily-report.constants';
import { DailyReportRepository } from './daily-report.repository';

/**
 * Yesterday (local; the day before the run's due date) in numbers: stored as a row and posted to Slack
 * once (logged when Slack is unset). A post that failed, or that a dying run never made, goes out with a
 * later run's (for REPORT_RETRY_DAYS).
 */
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
    const yesterday = addDays(today, -1);
    const figures = await this.repository.figures(yesterday, timeZone, now);
    const text = reportText(figures);
    await this.repository.save(figures, text);

    const posts = await this.postUnposted(addDays(yesterday, -REPORT_RETRY_DAYS), now);
    // left out of this run's posts: Slack took it earlier, or another run (live, or one that died within its
    // lease) holds it; the second goes out with a later run, and saying "posted" would hide that
    const slack =
      posts.get(yesterday) ??
      ((await this.repository.isPosted(yesterday)) ? 'already posted' : 'another run is posting it');
    posts.delete(yesterday);
    const earlier = Object.fromEntries(posts);
    context.logger.info('daily report built', { data: yesterday, slack, earlier });
    return {
      itemsProcessed: 1,
      details: { ...figures, slack, ...(posts.size > 0 ? { earlierReports: earlier } : {}) },
    };
  }

  /**
   * Posts every report since `sinceDay` that Slack has not taken yet, oldest first: yesterday's, and an
   * earlier one whose post failed or whose run died before posting. "not configured" counts as done (it
   * was logged). Answers each day's outcome; a report another run is posting is left out.
   */
  private async postUnposted(sinceDay: string, now: Date): Promise<Map<string, string>> {
    const outcomes = new Map<string, string>();
    for (const report of await this.repository.reserveUnposted(sinceDay, now)) {
      const result = await this.slack.notify({ text: report.text });
      const outcome = result.delivered ? 'posted' : result.reason;
      if (outcome === 'failed') await this.repository.release(report.day);
      else await this.repository.markPosted(report.day, now);
      outcomes.set(report.day, outcome);
    }
    return outcomes;
  }
}
