import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { createPgPrismaService, describeDatabaseUrl } from '../../src/database/prisma-service.factory';
import { PrismaService } from '../../src/database/prisma.service';
import { testConfig } from '../utils/test-config';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PrismaService on PostgreSQL (pg adapter)', () => {
  let db: TestDatabase;

  const serviceConnections = async (): Promise<number> => {
    const { rows } = await db.sql.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'whats-workers'`,
      [db.name],
    );
    return rows[0].n;
  };

  beforeAll(async () => {
    db = await createTestDatabase('infra_db');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('connects through DatabaseModule, answers ping and disconnects on close', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(testConfig({ DATABASE_URL: db.url })), DatabaseModule],
    }).compile();
    const app = await moduleRef.init();
    const prisma = app.get(PrismaService);
    expect(await prisma.ping(2_000)).toBe(true);
    await db.sql.query(`INSERT INTO leads (telefone) VALUES ('5511999990002')`);
    expect(await prisma.lead.count()).toBe(1);
    expect(await serviceConnections()).toBeGreaterThan(0);
    await app.close();
    for (let i = 0; i < 20 && (await serviceConnections()) > 0; i++) await sleep(50);
    expect(await serviceConnections()).toBe(0);
  });

  it('has the server cancel any statement running past JOB_TIMEOUT plus a margin (statement_timeout)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(testConfig({ DATABASE_URL: db.url, JOB_TIMEOUT: '7' })), DatabaseModule],
    }).compile();
    const app = await moduleRef.init();
    try {
      const rows = await app.get(PrismaService).$queryRaw<
        { statement_timeout: string }[]
      >`SHOW statement_timeout`;
      expect(rows).toEqual([{ statement_timeout: '9s' }]);
    } finally {
      await app.close();
    }
  });

  it('skips rows locked by another transaction (FOR UPDATE SKIP LOCKED)', async () => {
    const prisma = createPgPrismaService(db.url);
    await prisma.onModuleInit();
    try {
      await db.sql.query(`
        INSERT INTO fila_mensagens (lead_id, conteudo, tipo)
        SELECT id, 'oi ' || n, 'texto' FROM leads, generate_series(1, 4) AS n`);
      const claim = () =>
        prisma.$transaction(async (tx) => {
          const rows = await tx.$queryRaw<{ id: string }[]>`
            SELECT id FROM fila_mensagens WHERE status = 'pendente'
             ORDER BY prioridade DESC LIMIT 2 FOR UPDATE SKIP LOCKED`;
          await sleep(200);
          return rows.map((r) => r.id);
        });
      const [a, b] = await Promise.all([claim(), claim()]);
      expect(a).toHaveLength(2);
      expect(b).toHaveLength(2);
      expect(a.filter((id) => b.includes(id))).toEqual([]);
    } finally {
      await prisma.onApplicationShutdown();
    }
  });
});

describe('PrismaService when the database cannot be reached', () => {
  it('ping resolves false quickly when nothing listens on the port', async () => {
    const prisma = createPgPrismaService('postgresql://postgres@127.0.0.1:1/nothing');
    try {
      const started = Date.now();
      expect(await prisma.ping(1_000)).toBe(false);
      expect(Date.now() - started).toBeLessThan(1_500);
      await expect(prisma.onModuleInit()).rejects.toThrow(
        /cannot reach the database at 127\.0\.0\.1:1\/nothing/,
      );
    } finally {
      await prisma.onApplicationShutdown();
    }
  });

  it('ping resolves false at its timeout when the server never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const prisma = createPgPrismaService(`postgresql://postgres:secret@127.0.0.1:${port}/silent`);
    try {
      const started = Date.now();
      expect(await prisma.ping(1_000)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await prisma.onApplicationShutdown();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('never puts credentials in the description', () => {
    expect(describeDatabaseUrl('postgresql://user:secret@db.example:6543/app?sslmode=require')).toBe(
      'db.example:6543/app',
    );
  });
});
