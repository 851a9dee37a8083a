import { Logger } from '@nestjs/common';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Test, TestingModule } from '@nestjs/testing';
import { useFakeHttpServer } from '../../test/domain-workers/fake-http-server';
import { FakeClock } from '../../test/utils/fake-clock';
import { testConfig } from '../../test/utils/test-config';
import { testRedisPrefix } from '../../test/utils/test-context';
import { testRedisUrl } from '../../test/utils/test-database';
import { Clock } from '../common/clock';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { RedisModule } from '../redis/redis.module';
import { RedisService } from '../redis/redis.service';
import { NotificationsModule } from './notifications.module';
import { SlackNotifier } from './slack.notifier';
import { SLACK_TIMEOUT_MS } from './slack.constants';

describe('Slack notifications (Slack over HTTP, Redis)', () => {
  const slack = useFakeHttpServer();
  const clock = new FakeClock('2026-03-10T13:00:00Z');
  const modules: TestingModule[] = [];

  async function replica(env: Record<string, string | undefined>): Promise<TestingModule> {
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(testConfig(env)), CommonModule, RedisModule, NotificationsModule],
    })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    await module.init();
    modules.push(module);
    return module;
  }

  beforeAll(() => Logger.overrideLogger(['error']));

  afterAll(async () => {
    for (const module of modules) await module.close();
  });

  it('posts JSON with a text field to the webhook', async () => {
    const notifier = (await replica({ SLACK_WEBHOOK_URL: slack.url })).get(SlackNotifier);
    expect(await notifier.notify({ text: 'olá' })).toEqual({ delivered: true, attempts: 1 });
    expect(slack.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/hook', body: { text: 'olá' } }),
    ]);
  });

  it('escapes &, < and > so data in a text (a lead named "<!channel>") cannot ping the channel or hide a link', async () => {
    const notifier = (await replica({ SLACK_WEBHOOK_URL: slack.url })).get(SlackNotifier);
    await notifier.notify({ text: '• <!channel> & <https://phish.example|Hospital X> — taxa > 5%' });
    expect(slack.texts()).toEqual([
      '• &lt;!channel&gt; &amp; &lt;https://phish.example|Hospital X&gt; — taxa &gt; 5%',
    ]);
  });

  it('retries once after a 5xx, and gives up after the second failure', async () => {
    const notifier = (await replica({ SLACK_WEBHOOK_URL: slack.url })).get(SlackNotifier);
    slack.answerNext({ status: 503 });
    expect(await notifier.notify({ text: 'a' })).toEqual({ delivered: true, attempts: 2 });
    slack.answerNext({ status: 500 }, { status: 502 }, { status: 200 });
    expect(await notifier.notify({ text: 'b' })).toEqual({
      delivered: false,
      reason: 'failed',
      attempts: 2,
      error: 'Slack answered 502',
    });
    expect(slack.requests).toHaveLength(4);
  });

  it("waits out a 429's Retry-After before the retry", async () => {
    const notifier = (await replica({ SLACK_WEBHOOK_URL: slack.url })).get(SlackNotifier);
    slack.answerNext({ status: 429, body: 'rate_limited', headers: { 'Retry-After': '1' } });
    expect(await notifier.notify({ text: 'a' })).toEqual({ delivered: true, attempts: 2 });
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[1].at - slack.requests[0].at).toBeGreaterThanOrEqual(1_000);
  });

  it('does not retry at once when a 429 asks for a longer wait: the caller posts again later', async () => {
    const notifier = (await replica({ SLACK_WEBHOOK_URL: slack.url })).get(SlackNotifier);
    slack.answerNext({ status: 429, body: 'rate_limited', headers: { 'Retry-After': '120' } });
    expect(await notifier.notify({ text: 'a' })).toEqual({
      delivered: false,
      reason: 'failed',
      attempts: 1,
      error: 'Slack answered 429 (rate limited: retry after 120 s)',
    });
    expect(slack.requests).toHaveLength(1);
  });

  it('names why Slack could not be reached (the error code, never the webhook URL)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const notifier = (
      await replica({ SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}/services/T0/B0/secret` })
    ).get(SlackNotifier);
    expect(await notifier.notify({ text: 'a' })).toEqual({
      delivered: false,
      reason: 'failed',
      attempts: 2,
      error: 'network error: ECONNREFUSED',
    });
  });

  it('does not retry a 4xx', async () => {
    const notifier = (await replica({ SLACK_WEBHOOK_URL: slack.url })).get(SlackNotifier);
    slack.answerNext({ status: 404, body: 'no_service' });
    expect(await notifier.notify({ text: 'a' })).toMatchObject({ delivered: false, attempts: 1 });
    expect(slack.requests).toHaveLength(1);
  });

  it(
    'gives up on a webhook that does not answer in time',
    async () => {
      const notifier = (await replica({ SLACK_WEBHOOK_URL: slack.url })).get(SlackNotifier);
      slack.answer({ status: 200, delayMs: SLACK_TIMEOUT_MS + 1_000 });
      expect(await notifier.notify({ text: 'a' })).toMatchObject({
        delivered: false,
        error: `timed out after ${SLACK_TIMEOUT_MS} ms`,
      });
    },
    3 * SLACK_TIMEOUT_MS,
  );

  it('answers not_configured without a webhook', async () => {
    const notifier = (await replica({})).get(SlackNotifier);
    expect(await notifier.notify({ text: 'a' })).toEqual({ delivered: false, reason: 'not_configured' });
  });

  it('posts an alert kind once per cooldown across replicas sharing Redis', async () => {
    const env = {
      SLACK_WEBHOOK_URL: slack.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('dw_slack'),
    };
    const a = await replica(env);
    const b = await replica(env);
    const results = await Promise.all([
      a.get(SlackNotifier).alert('queue_size', 'fila grande'),
      b.get(SlackNotifier).alert('queue_size', 'fila grande'),
      b.get(SlackNotifier).alert('queue_size', 'fila grande'),
    ]);
    expect(results.filter((result) => result.delivered)).toHaveLength(1);
    expect(results.filter((result) => !result.delivered && result.reason === 'cooldown')).toHaveLength(2);
    expect(await b.get(SlackNotifier).alert('scheduler_lag', 'atraso')).toMatchObject({ delivered: true });
    expect(slack.texts()).toEqual([':warning: fila grande', ':warning: atraso']);
    const ttl = await a.get(RedisService).client!.pttl('alert:cooldown:queue_size');
    expect(ttl).toBeGreaterThan(29 * 60_000);
  });

  it('keeps the cooldown in the process when REDIS_URL is unset', async () => {
    const notifier = (await replica({ SLACK_WEBHOOK_URL: slack.url })).get(SlackNotifier);
    expect(await notifier.alert('local', 'x', 60_000)).toMatchObject({ delivered: true });
    expect(await notifier.alert('local', 'x', 60_000)).toEqual({ delivered: false, reason: 'cooldown' });
    clock.advance(60_001);
    expect(await notifier.alert('local', 'x', 60_000)).toMatchObject({ delivered: true });
  });
});
