import { PrismaPg } from '@prisma/adapter-pg';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/utils/test-database';
import { PrismaService } from '../database/prisma.service';
import { type ExecutionStart, JobHistoryRepository } from './job-history.repository';

describe('JobHistoryRepository.start (real PostgreSQL)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let history: JobHistoryRepository;

  beforeAll(async () => {
    db = await createTestDatabase('job_history_start');
    prisma = new PrismaService(new PrismaPg({ connectionString: db.url }));
    history = new JobHistoryRepository(prisma);
  });
  afterEach(() => db.sql.query('TRUNCATE job_executions'));
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  const tick = (dueAt: Date | null, id = randomUUID()): ExecutionStart => ({
    id,
    jobName: 'daily_report',
    trigger: dueAt ? 'schedule' : 'manual',
    dueAt,
    startedAt: new Date('2026-03-02T11:00:00Z'),
    replica: 'replica-a',
    fencingToken: null,
  });
  const rows = async () =>
    (await db.sql.query<{ id: string }>('SELECT id::text FROM job_executions')).rows.map((row) => row.id);

  it('gives a due tick to one start only: another replica gets null', async () => {
    const dueAt = new Date('2026-03-02T11:00:00Z');
    const mine = tick(dueAt);
    expect(await history.start(mine)).toBe(mine.id);
    expect(await history.start(tick(dueAt))).toBeNull();
    expect(await rows()).toEqual([mine.id]);
  });

  it('gives a retry of a start whose reply was lost its own row back, instead of "claimed elsewhere"', async () => {
    const mine = tick(new Date('2026-03-02T11:00:00Z'));
    await history.start(mine); // committed; its answer never reached the caller
    expect(await history.start(mine)).toBe(mine.id);
    expect(await rows()).toEqual([mine.id]);
  });

  it('does the same for a run asked for by hand (no due time): one row, no duplicate-key error', async () => {
    const mine = tick(null);
    await history.start(mine);
    expect(await history.start(mine)).toBe(mine.id);
    expect(await rows()).toEqual([mine.id]);
  });
});
