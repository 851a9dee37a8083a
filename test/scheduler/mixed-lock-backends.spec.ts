import type { INestApplicationContext } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobControlService } from '../../src/scheduler/job-control.service';
import { JobRunner } from '../../src/scheduler/job-runner';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import { TestJobs, TestJobsModule } from '../scheduler/test-jobs';

// CONTRACT §1: `npm run job` "must not run a job that another replica is running at that moment: it
// waits for the lock up to 10 s, then exits 1". RedisModule picks the lock backend per process from its own
// environment: Redis when REDIS_URL is set, else job_locks in PostgreSQL. An operator who runs
// `DATABASE_URL=… npm run job -- daily_report` from a shell without REDIS_URL (or a replica deployed without it
// during a rollout to Redis) takes its lock in job_locks while the service holds it in Redis: the two never
// see each other and the job runs twice at once. Nothing else (the `running` row in job_executions, which
// both share) is consulted.
describe('a process without REDIS_URL beside a service that locks in Redis', () => {
  let db: TestDatabase;
  const contexts: INestApplicationContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('mixed_lock_backends');
  });
  afterAll(async () => {
    for (const context of contexts) context.get(TestJobs).gate.open();
    await Promise.all(contexts.map((context) => context.close()));
    await db.drop();
  });

  async function open(env: Record<string, string>) {
    const context = await createSchedulerContext(testConfig({ DATABASE_URL: db.url, ...env }), [
      TestJobsModule,
    ]);
    contexts.push(context);
    return context;
  }

  it('the CLI-style run does not start while the service runs the job (skipped, exit 1)', async () => {
    const service = await open({
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('mixed-lock-backends'),
    });
    const cli = await open({}); // DATABASE_URL only: job locks in PostgreSQL

    const running = service
      .get(JobRunner)
      .run('test_gated', { trigger: 'schedule', dueAt: new Date('2026-03-02T13:00:00Z') });
    while (service.get(TestJobs).countOf('test_gated') === 0) await sleep(10);

    // what `npm run job -- test_gated` does, with a short wait instead of 10 s
    const manual = cli.get(JobControlService).runNow('test_gated', { trigger: 'cli', waitForLockMs: 500 });
    await sleep(1_000); // past its lock wait: skipped by now, or running beside the service's run
    const bothRunning = service.get(TestJobs).countOf('test_gated') + cli.get(TestJobs).countOf('test_gated');
    service.get(TestJobs).gate.open();
    cli.get(TestJobs).gate.open();
    await running;
    const outcome = await manual;

    expect({ bothRunning, status: outcome.status }).toEqual({ bothRunning: 1, status: 'skipped' });
  }, 30_000);
});
