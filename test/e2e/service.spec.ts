import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServiceProcess, waitForHealthy } from '../utils/service-process';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';

describe('the service process', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('service');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('serves /health/workers, runs scheduled jobs, logs JSON lines and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const service = new ServiceProcess({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('service'),
      PORT: String(port),
      JOB_SCHEDULE_OVERRIDES: 'shift_confirmation=1s;process_queue=1s',
      OUTBOUND_ALLOWLIST: '5511900000001',
    });
    // a reply (sent at any hour) through the console provider
    const { rows: leads } = await db.sql.query(
      `INSERT INTO leads (telefone, nome) VALUES ('5511900000001', 'Dra. Ana') RETURNING id`,
    );
    const { rows: queued } = await db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo) VALUES ($1, 'Bom dia!', 'resposta') RETURNING id`,
      [leads[0].id],
    );
    try {
      const health = await waitForHealthy(port);
      expect(health).toMatchObject({ scheduler: 'running', fila_worker: 'healthy' });
      const finished = await service.waitForLog(
        (line) => line.msg === 'job finished' && line.job === 'shift_confirmation',
      );
      expect(finished).toMatchObject({ level: 'INFO', job: 'shift_confirmation', status: 'success' });
      expect(
        service.lines().every((line) => typeof line.time === 'string' && /^[A-Z]+$/.test(String(line.level))),
      ).toBe(true);
      await service.waitForLog((line) => line.msg === 'job finished' && line.job === 'process_queue');
      const sent = await db.sql.query(
        `SELECT status, provider_message_id FROM fila_mensagens WHERE id = $1`,
        [queued[0].id],
      );
      expect(sent.rows[0].status).toBe('enviada');
      expect(sent.rows[0].provider_message_id).toMatch(/^console-/);
      // the console provider logs the message with the phone masked, never the number itself
      expect(service.output).not.toContain('5511900000001');
      const after = await waitForHealthy(port);
      expect(typeof after.last_job_at).toBe('string');
      const { rows } = await db.sql.query(
        `SELECT count(*)::int AS n FROM job_executions WHERE status = 'success'`,
      );
      expect(rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      service.kill('SIGTERM');
    }
    expect(await service.exited).toBe(0);
    await service.waitForLog((line) => line.msg === 'scheduler stopped', 1_000);
  });

  it('boots on the embedded database with no DATABASE_URL and runs a job', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'whats-workers-e2e-'));
    const port = await freePort();
    const service = new ServiceProcess({
      EMBEDDED_DATA_DIR: dataDir,
      PORT: String(port),
      JOB_SCHEDULE_OVERRIDES: 'temperature_decay=1s',
    });
    try {
      await waitForHealthy(port, 60_000);
      await service.waitForLog((line) => line.msg === 'job finished' && line.job === 'temperature_decay');
      await service.waitForLog((line) => String(line.msg).includes('REDIS_URL is not set'));
    } finally {
      service.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
