import { Module } from '@nestjs/common';
import { AlertCooldown } from './alert-cooldown';
import { SlackClient } from './slack.client';
import { SlackNotifier } from './slack.notifier';

/** Slack for everyone who imports it; needs the global AppConfig, Clock and RedisService. */
@Module({
  providers: [SlackClient, AlertCooldown, SlackNotifier],
  exports: [SlackNotifier, SlackClient],
})
export class NotificationsModule {}
