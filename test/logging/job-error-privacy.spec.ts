import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { PrismaService } from '../../src/database/prisma.service';
import { JobRunner } from '../../src/scheduler/job-runner';
import type { JobContext, JobResult } from '../../src/scheduler/job.types';
import { testConfig } from '../utils/test-config';
import { createSchedulerContext, testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

const PHONE = '5511987654321';

/** A job failing the way a driver or provider error does: the lead's number inside the message. */
@Injectable()
class PhoneInErrorJob {
  @Interval('test_phone_in_error', 3_600_000)
  async run(_context: JobContext): Promise<JobResult> {
    throw new Error(
      `duplicate lead: Key (telefone)=(${PHONE}) already exists; provider refused +55 (11) 98765-4321`,
    );
  }
}

/** A job whose write the database refuses, through one of Prisma's model methods (as repositories do). */
@Injectable()
class DuplicateLeadJob {
  constructor(private readonly prisma: PrismaService) {}

  @Interval('test_duplicate_lead', 3_600_000)
  async run(_context: JobContext): Promise<JobResult> {
    await this.prisma.lead.create({ data: { telefone: PHONE, nome: 'Primeira Ficha Cadastrada' } });
    await this.prisma.lead.create({ data: { telefone: PHONE, nome: 'Segunda Ficha Cadastrada' } });
    return { itemsProcessed: 2 };
  }
}

const CONTEUDO = 'Oi Dra. Ana, o plantão de sábado no Hospital Santa Cruz ainda está aberto?';

/** A write Prisma refuses before sending it: its message prints the call's arguments, message text included. */
@Injectable()
class InvalidWriteJob {
  constructor(private readonly prisma: PrismaService) {}

  @Interval('test_invalid_write', 3_600_000)
  async run(_context: JobContext): Promise<JobResult> {
    const leadId = null as unknown as string; // a lead that was not found
    await this.prisma.filaMensagem.create({ data: { leadId, conteudo: CONTEUDO, tipo: 'resposta' } });
    return { itemsProcessed: 1 };
  }
}

@Module({ providers: [PhoneInErrorJob, DuplicateLeadJob, InvalidWriteJob] })
class PhoneInErrorModule {}

describe('a failed run’s error, as operators read it (job_executions, admin API, dashboard)', () => {
  let db: TestDatabase;
  let context: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase('job_error_privacy');
    const config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('job-error-privacy'),
    });
    context = await createSchedulerContext(config, [PhoneInErrorModule]);
  });
  afterAll(async () => {
    await context?.close();
    await db?.drop();
  });

  it('keeps only the last 4 digits of a phone number in job_executions.error and in the outcome', async () => {
    const outcome = await context.get(JobRunner).run('test_phone_in_error', { trigger: 'manual' });
    expect(outcome.status).toBe('error');
    const { rows } = await db.sql.query<{ error: string }>(
      `SELECT error FROM job_executions WHERE job_name = 'test_phone_in_error'`,
    );
    expect(rows).toHaveLength(1);
    for (const text of [rows[0].error, outcome.error ?? '']) {
      expect(text).toContain('*********4321');
      expect(text).toMatch(/^duplicate lead: Key \(telefone\)=/);
      expect(text.replace(/\D/g, '')).not.toContain('98765');
    }
  });

  it('says what the database refused, without the call site and source lines Prisma quotes first', async () => {
    const outcome = await context.get(JobRunner).run('test_duplicate_lead', { trigger: 'manual' });
    expect(outcome.status).toBe('error');
    const { rows } = await db.sql.query<{ error: string }>(
      `SELECT error FROM job_executions WHERE job_name = 'test_duplicate_lead'`,
    );
    // the source lines come before the reason: compiled code's long lines pushed it past the 500-character cut
    for (const text of [rows[0].error, outcome.error])
      expect(text).toBe('Unique constraint failed on the constraint: `leads_telefone_key`');
  });

  it('keeps the message text Prisma prints with a refused call’s arguments out of job_executions.error', async () => {
    const outcome = await context.get(JobRunner).run('test_invalid_write', { trigger: 'manual' });
    expect(outcome.status).toBe('error');
    const { rows } = await db.sql.query<{ error: string }>(
      `SELECT error FROM job_executions WHERE job_name = 'test_invalid_write'`,
    );
    for (const text of [rows[0].error, outcome.error ?? '']) {
      expect(text).toMatch(/leadId|lead/);
      expect(text).not.toContain('plantão de sábado');
    }
  });
});
