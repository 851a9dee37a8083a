import type { INestApplicationContext } from '@nestjs/common';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../../../test/utils/test-context';
import { createTestDatabase, TestDatabase, testRedisUrl } from '../../../test/utils/test-database';
import { JobNames } from '../../scheduler/job-names';
import { JobRegistry } from '../../scheduler/job-registry';
import { JobRunner } from '../../scheduler/job-runner';
import { GruposModule } from './grupos.module';

describe('grupos_worker through the scheduler', () => {
  let db: TestDatabase;
  let context: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase('gr_scheduler');
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('gr_scheduler'),
    });
    context = await createSchedulerContext(config, [GruposModule], new FakeClock('2026-03-10T12:30:00Z'));
  });

  afterAll(async () => {
    await context?.close();
    await db?.drop();
  });

  it('is discovered every 10 minutes and records its per-stage counts in job_executions', async () => {
    const job = context.get(JobRegistry).get(JobNames.gruposWorker);
    expect(job.name).toBe('grupos_worker');
    expect(job.schedule.describe()).toBe('*/10 * * * * (America/Sao_Paulo)');
    await db.sql.query(
      `INSERT INTO mensagens_grupo (texto, recebida_em) VALUES
         ('PLANTÃO UTI ADULTO – Hospital São Lucas – 15/03 19h às 07h – R$ 1.800,00 – interessados chamar inbox', '2026-03-10T12:00:00Z'),
         ('Bom dia, grupo!', '2026-03-10T12:00:00Z')`,
    );

    const outcome = await context.get(JobRunner).run(JobNames.gruposWorker, { trigger: 'manual' });

    expect(outcome.status).toBe('success');
    const { rows } = await db.sql.query(
      `SELECT status, items_processed, details FROM job_executions WHERE job_name = 'grupos_worker'`,
    );
    expect(rows).toEqual([
      {
        status: 'success',
        items_processed: 2,
        details: expect.objectContaining({
          stages: { classificacao: 2, extracao: 1, normalizacao: 1, deduplicacao: 1, importacao: 1 },
          finalizado: 1,
          descartado: 1,
          importados: 1,
        }),
      },
    ]);
  });
});
