import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { domainTestGlobals } from '../../../test/domain-workers/domain-test-globals';
import { FakeHttpServer } from '../../../test/domain-workers/fake-http-server';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { createTestDatabase, TestDatabase } from '../../../test/utils/test-database';
import { JobLogger } from '../../scheduler/job-logger';
import { JobNames } from '../../scheduler/job-names';
import type { JobContext } from '../../scheduler/job.types';
import { SyncBriefingModule } from './sync-briefing.module';
import { SyncBriefingWorker } from './sync-briefing.worker';

describe('sync_briefing (PostgreSQL, briefing over HTTP)', () => {
  let db: TestDatabase;
  let server: FakeHttpServer;
  let url: string;
  const clock = new FakeClock('2026-03-10T13:00:00Z');
  const modules: TestingModule[] = [];

  async function compileWorker(env: Record<string, string | undefined>): Promise<SyncBriefingWorker> {
    const module = await Test.createTestingModule({
      imports: [domainTestGlobals(db.url, testConfig(env), clock), SyncBriefingModule],
    }).compile();
    await module.init();
    modules.push(module);
    return module.get(SyncBriefingWorker);
  }

  function context(): JobContext {
    return {
      jobName: JobNames.syncBriefing,
      executionId: 'test-exec',
      trigger: 'manual',
      signal: new AbortController().signal,
      logger: new JobLogger(JobNames.syncBriefing, 'test-exec'),
      clock,
    };
  }

  async function versions() {
    const { rows } = await db.sql.query<{ versao: number; conteudo: string }>(
      'SELECT versao, conteudo FROM briefings ORDER BY versao',
    );
    return rows;
  }

  let worker: SyncBriefingWorker;

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    db = await createTestDatabase('dw_sync_briefing');
    server = new FakeHttpServer();
    url = await server.start();
    worker = await compileWorker({ BRIEFING_URL: url });
  });

  afterAll(async () => {
    for (const module of modules) await module.close();
    await server?.stop();
    await db?.drop();
  });

  beforeEach(async () => {
    server.reset();
    await db.sql.query('TRUNCATE briefings');
  });

  const html = (body: string, cssClass = 'a') =>
    `<!DOCTYPE html><html><head><style>.${cssClass}{}</style></head><body><p class="${cssClass}">${body}</p></body></html>`;

  it('stores the first version, none when unchanged (even if the markup changed), one when the text changed', async () => {
    server.answer({ status: 200, body: html('Foco: UTI adulto'), contentType: 'text/html' });
    expect((await worker.run(context())).details).toMatchObject({ outcome: 'stored', versao: 1, html: true });

    server.answer({ status: 200, body: html('Foco: UTI adulto', 'b'), contentType: 'text/html' });
    expect(await worker.run(context())).toMatchObject({
      itemsProcessed: 0,
      details: { outcome: 'unchanged', versao: 1 },
    });

    server.answer({ status: 200, body: html('Foco: UTI adulto e PS'), contentType: 'text/html' });
    expect((await worker.run(context())).details).toMatchObject({ outcome: 'stored', versao: 2 });

    expect(await versions()).toEqual([
      { versao: 1, conteudo: 'Foco: UTI adulto' },
      { versao: 2, conteudo: 'Foco: UTI adulto e PS' },
    ]);
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('keeps the last version and fails with the reason when the server errs', async () => {
    server.answer({ status: 200, body: 'Plantões de fim de semana', contentType: 'text/plain' });
    await worker.run(context());
    server.answer({ status: 503, body: 'down' });
    await expect(worker.run(context())).rejects.toThrow('briefing server answered 503 (kept version 1)');
    expect(await versions()).toEqual([{ versao: 1, conteudo: 'Plantões de fim de semana' }]);
  });

  it('fails when the server is unreachable', async () => {
    const unreachable = await compileWorker({ BRIEFING_URL: 'http://127.0.0.1:9/briefing' });
    await expect(unreachable.run(context())).rejects.toThrow(/briefing download failed/);
    expect(await versions()).toEqual([]);
  });

  it('succeeds with "not configured" when BRIEFING_URL is unset', async () => {
    const unconfigured = await compileWorker({});
    expect(await unconfigured.run(context())).toEqual({
      itemsProcessed: 0,
      details: { outcome: 'not configured' },
    });
    expect(server.requests).toHaveLength(0);
  });
});
