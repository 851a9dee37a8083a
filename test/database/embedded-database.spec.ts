import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { EmbeddedDatabase } from '../../src/database/embedded-database';
import { EmbeddedMigrator, readMigrations } from '../../src/database/embedded-migrator';
import { findMigrationsDirectory } from '../../src/database/migrations-directory';
import { createPrismaService } from '../../src/database/prisma-service.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { testConfig } from '../utils/test-config';

interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  applied_steps_count: number;
}

const CONTRACT_TABLES = ['fila_mensagens', 'job_executions', 'jobs_agendados', 'leads', 'vagas'];

describe('embedded database (PGlite)', () => {
  const baseDir = mkdtempSync(join(tmpdir(), 'whats-workers-embedded-'));
  const config = testConfig({ EMBEDDED_DATA_DIR: baseDir });
  const migrations = readMigrations(findMigrationsDirectory());
  let firstRows: MigrationRow[];

  afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

  const migrationRows = (prisma: PrismaService) =>
    prisma.$queryRaw<MigrationRow[]>`
      SELECT id, migration_name, checksum, finished_at, applied_steps_count
        FROM "_prisma_migrations" ORDER BY migration_name`;

  it('boots through DatabaseModule on a new data dir, migrated before first use, with a warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let app: INestApplicationContext | undefined;
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [ConfigModule.forRoot(config), DatabaseModule],
      }).compile();
      app = await moduleRef.init();
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/embedded database.*development and a single replica only/),
      );
      expect(existsSync(join(baseDir, 'pglite', 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(baseDir, 'pglite.lock'))).toBe(true);

      const prisma = app.get(PrismaService);
      expect(await prisma.ping(2_000)).toBe(true);
      const tables = await prisma.$queryRaw<{ table_name: string }[]>`
        SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(CONTRACT_TABLES));

      firstRows = await migrationRows(prisma);
      expect(migrations.length).toBeGreaterThan(0);
      expect(firstRows.map((r) => [r.migration_name, r.checksum])).toEqual(
        migrations.map((m) => [m.name, m.checksum]),
      );
      expect(
        firstRows.every((r) => r.finished_at !== null && r.applied_steps_count === 1 && r.id.length === 36),
      ).toBe(true);

      // what operators and other services do: plain SQL with only the required columns
      await prisma.$executeRaw`INSERT INTO leads (telefone, nome) VALUES ('5511999990001', 'Dra. Ana')`;
      await prisma.$executeRaw`
        INSERT INTO fila_mensagens (lead_id, conteudo, tipo)
        SELECT id, 'oi ' || n, 'texto' FROM leads, generate_series(1, 3) AS n`;
    } finally {
      await app?.close();
      warn.mockRestore();
    }
    expect(existsSync(join(baseDir, 'pglite.lock'))).toBe(false);
  });

  it('reopens without applying anything again and keeps the data', async () => {
    const prisma = await createPrismaService(config);
    try {
      await prisma.onModuleInit();
      expect(await migrationRows(prisma)).toEqual(firstRows);
      expect(await prisma.lead.count()).toBe(1);
      expect(await prisma.filaMensagem.count({ where: { status: 'pendente' } })).toBe(3);
      await expect(createPrismaService(config)).rejects.toThrow(/already open in this process/);
    } finally {
      await prisma.onApplicationShutdown();
    }
  });

  it('runs SELECT ... FOR UPDATE SKIP LOCKED inside an interactive transaction', async () => {
    const prisma = await createPrismaService(config);
    try {
      const claimed = await prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM fila_mensagens WHERE status = 'pendente'
           ORDER BY prioridade DESC, agendar_para LIMIT 2 FOR UPDATE SKIP LOCKED`;
        await tx.filaMensagem.updateMany({
          where: { id: { in: rows.map((r) => r.id) } },
          data: { status: 'processando', processandoDesde: new Date() },
        });
        return rows;
      });
      expect(claimed).toHaveLength(2);
      expect(await prisma.filaMensagem.count({ where: { status: 'processando' } })).toBe(2);

      await expect(
        prisma.$transaction(async (tx) => {
          await tx.filaMensagem.updateMany({ data: { status: 'cancelada' } });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await prisma.filaMensagem.count({ where: { status: 'cancelada' } })).toBe(0);
    } finally {
      await prisma.onApplicationShutdown();
    }
  });

  it('rolls a failing migration back entirely and applies it once fixed', async () => {
    const migrationsDir = mkdtempSync(join(tmpdir(), 'whats-workers-migrations-'));
    cpSync(findMigrationsDirectory(), migrationsDir, { recursive: true });
    const bad = join(migrationsDir, '99990101000000_bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'migration.sql'), 'CREATE TABLE extra (id int);\nSELECT 1 / 0;\n');
    let db: EmbeddedDatabase | undefined;
    try {
      db = await EmbeddedDatabase.open(baseDir);
      const migrator = new EmbeddedMigrator(db.pglite, migrationsDir);
      await expect(migrator.migrate()).rejects.toThrow(
        /migration 99990101000000_bad failed: division by zero/,
      );
      expect((await db.pglite.query(`SELECT to_regclass('extra') AS t`)).rows).toEqual([{ t: null }]);

      writeFileSync(join(bad, 'migration.sql'), 'CREATE TABLE extra (id int);\n');
      expect(await migrator.migrate()).toEqual(['99990101000000_bad']);
      expect(await migrator.migrate()).toEqual([]);
      const { rows } = await db.pglite.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(rows).toEqual([{ n: migrations.length + 1 }]);
    } finally {
      await db?.close();
      rmSync(migrationsDir, { recursive: true, force: true });
    }
  });
});
