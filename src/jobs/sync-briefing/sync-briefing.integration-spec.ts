import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { useFakeHttpServer } from '../../../test/domain-workers/fake-http-server';
import { FakeClock } from '../../../test/utils/fake-clock';
import { testConfig } from '../../../test/utils/test-config';
import { useWorkerHarness } from '../../../test/utils/test-context';
import { JobNames } from '../../scheduler/job-names';
import { BRIEFING_MAX_CHARS, BRIEFING_TIMEOUT } from './sync-briefing.constants';
import { SyncBriefingModule } from './sync-briefing.module';
import { SyncBriefingWorker } from './sync-briefing.worker';

describe('sync_briefing (PostgreSQL, briefing over HTTP)', () => {
  const clock = new FakeClock('2026-03-10T13:00:00Z');
  const harness = useWorkerHarness({ database: 'dw_sync_briefing', jobName: JobNames.syncBriefing, clock });
  const server = useFakeHttpServer();

  async function compileWorker(
    env: Record<string, string | undefined>,
    timeoutMs?: number,
  ): Promise<SyncBriefingWorker> {
    const overrides = timeoutMs === undefined ? [] : [{ provide: BRIEFING_TIMEOUT, useValue: timeoutMs }];
    return (await harness.compile(testConfig(env), [SyncBriefingModule], overrides)).get(SyncBriefingWorker);
  }

  /** A briefing server of the test's own, for answers the fake server cannot give (a body that never ends). */
  async function withServer<T>(
    handle: Parameters<typeof createServer>[1],
    use: (url: string) => Promise<T>,
  ): Promise<T> {
    const own: Server = createServer(handle);
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    try {
      return await use(`http://127.0.0.1:${(own.address() as AddressInfo).port}/briefing`);
    } finally {
      own.closeAllConnections();
      await new Promise<void>((resolve) => own.close(() => resolve()));
    }
  }

  /** settles with `promise`, or with 'still waiting' after `ms` (a run that hangs fails the test, not the suite) */
  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([
      promise,
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref()),
    ]);

  async function versions() {
    const { rows } = await harness.db.sql.query<{ versao: number; conteudo: string }>(
      'SELECT versao, conteudo FROM briefings ORDER BY versao',
    );
    return rows;
  }

  let worker: SyncBriefingWorker;

  beforeAll(async () => {
    worker = await compileWorker({ BRIEFING_URL: server.url });
  });

  beforeEach(async () => {
    await harness.db.sql.query('TRUNCATE briefings');
  });

  const html = (body: string, cssClass = 'a') =>
    `<!DOCTYPE html><html><head><style>.${cssClass}{}</style></head><body><p class="${cssClass}">${body}</p></body></html>`;

  it('stores the first version, none when unchanged (even if the markup changed), one when the text changed', async () => {
    server.answer({ status: 200, body: html('Foco: UTI adulto'), contentType: 'text/html' });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({
      outcome: 'stored',
      versao: 1,
      html: true,
    });

    server.answer({ status: 200, body: html('Foco: UTI adulto', 'b'), contentType: 'text/html' });
    expect(await worker.run(harness.jobContext())).toMatchObject({
      itemsProcessed: 0,
      details: { outcome: 'unchanged', versao: 1 },
    });

    server.answer({ status: 200, body: html('Foco: UTI adulto e PS'), contentType: 'text/html' });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ outcome: 'stored', versao: 2 });

    expect(await versions()).toEqual([
      { versao: 1, conteudo: 'Foco: UTI adulto' },
      { versao: 2, conteudo: 'Foco: UTI adulto e PS' },
    ]);
    expect(server.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('stores a briefing with a NUL, raw or as a reference, as U+FFFD (PostgreSQL rejects NUL)', async () => {
    server.answer({ status: 200, body: html('UTI &#0; adulto &#x110000;'), contentType: 'text/html' });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ outcome: 'stored' });
    server.answer({ status: 200, body: 'Plantões\0 de fim de semana', contentType: 'text/plain' });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ outcome: 'stored' });
    expect(await versions()).toEqual([
      { versao: 1, conteudo: 'UTI \uFFFD adulto \uFFFD' },
      { versao: 2, conteudo: 'Plantões\uFFFD de fim de semana' },
    ]);
  });

  it('reads a document in the charset its server names (a Latin-1 export), not as UTF-8', async () => {
    const texto = 'Plantões de São Paulo: UTI pediátrica';
    await withServer(
      (_request, response) =>
        response
          .writeHead(200, { 'content-type': 'text/plain; charset=ISO-8859-1' })
          .end(Buffer.from(texto, 'latin1')),
      async (url) => (await compileWorker({ BRIEFING_URL: url })).run(harness.jobContext()),
    );
    expect(await versions()).toEqual([{ versao: 1, conteudo: texto }]);
  });

  it('reads UTF-8 as UTF-8 even when an old server labels every file ISO-8859-1 (AddDefaultCharset)', async () => {
    const texto = 'Plantões de São Paulo';
    await withServer(
      (_request, response) =>
        response.writeHead(200, { 'content-type': 'text/plain; charset=ISO-8859-1' }).end(Buffer.from(texto)),
      async (url) => (await compileWorker({ BRIEFING_URL: url })).run(harness.jobContext()),
    );
    expect(await versions()).toEqual([{ versao: 1, conteudo: texto }]);
  });

  it('reads an HTML page in the charset its <meta> names when the server names none (a Word "web page")', async () => {
    const page =
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>' +
      '<body><p>Plantões de São Paulo</p></body></html>';
    await withServer(
      (_request, response) =>
        response.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.from(page, 'latin1')),
      async (url) => (await compileWorker({ BRIEFING_URL: url })).run(harness.jobContext()),
    );
    expect(await versions()).toEqual([{ versao: 1, conteudo: 'Plantões de São Paulo' }]);
  });

  it('reads a text file saved as UTF-16 ("Unicode" in Notepad) by its byte order mark', async () => {
    const texto = 'Plantões de São Paulo';
    await withServer(
      (_request, response) =>
        response
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(texto, 'utf16le')])),
      async (url) => (await compileWorker({ BRIEFING_URL: url })).run(harness.jobContext()),
    );
    expect(await versions()).toEqual([{ versao: 1, conteudo: texto }]);
  });

  it('keeps the last version and fails with the reason when the server errs', async () => {
    server.answer({ status: 200, body: 'Plantões de fim de semana', contentType: 'text/plain' });
    await worker.run(harness.jobContext());
    server.answer({ status: 503, body: 'down' });
    await expect(worker.run(harness.jobContext())).rejects.toThrow(
      'briefing server answered 503 (kept version 1)',
    );
    expect(await versions()).toEqual([{ versao: 1, conteudo: 'Plantões de fim de semana' }]);
  });

  it('keeps the last version when the URL serves a file that is not text (a PDF or .docx export)', async () => {
    server.answer({ status: 200, body: 'Foco: UTI adulto', contentType: 'text/plain; charset=utf-8' });
    await worker.run(harness.jobContext());
    server.answer({
      status: 200,
      body: '%PDF-1.7\n%\u00e2\u00e3\n1 0 obj <</Type /Catalog>>',
      contentType: 'application/pdf',
    });
    await expect(worker.run(harness.jobContext())).rejects.toThrow(
      'briefing is not a text or HTML document (application/pdf) (kept version 1)',
    );
    expect(await versions()).toEqual([{ versao: 1, conteudo: 'Foco: UTI adulto' }]);
  });

  it('takes a file served as application/octet-stream (an upload without a type) by what it holds', async () => {
    server.answer({ status: 200, body: 'Foco: UTI adulto', contentType: 'application/octet-stream' });
    expect((await worker.run(harness.jobContext())).details).toMatchObject({ outcome: 'stored', versao: 1 });
    server.answer({
      status: 200,
      body: 'PK\u0003\u0004\u0014\u0000\u0006\u0000word/document.xml',
      contentType: 'application/octet-stream',
    });
    await expect(worker.run(harness.jobContext())).rejects.toThrow(
      'briefing is not a text or HTML document (application/octet-stream) (kept version 1)',
    );
    expect(await versions()).toEqual([{ versao: 1, conteudo: 'Foco: UTI adulto' }]);
  });

  it('keeps the last version when an HTML page has no text once its markup is removed (a page drawn by scripts)', async () => {
    server.answer({ status: 200, body: html('Foco: UTI adulto'), contentType: 'text/html' });
    await worker.run(harness.jobContext());
    server.answer({
      status: 200,
      body: '<!doctype html><html><head><title>Docs</title></head><body><div id="app"></div><script>boot()</script></body></html>',
      contentType: 'text/html',
    });
    await expect(worker.run(harness.jobContext())).rejects.toThrow(
      'briefing page has no text once its markup is removed (kept version 1)',
    );
    expect(await versions()).toEqual([{ versao: 1, conteudo: 'Foco: UTI adulto' }]);
  });

  it('gives up on a server that stops sending mid-document, at the timeout, even after a garbage collection', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const outcome = await withServer(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('Foco: UTI adulto, ');
        gc(); // a long-running service collects garbage while it waits; the timeout must survive it
      },
      async (url) => {
        const stalled = await compileWorker({ BRIEFING_URL: url }, 500);
        return within(
          stalled.run(harness.jobContext()).catch((error: Error) => error.message),
          5_000,
        );
      },
    );
    expect(outcome).toBe('briefing server did not answer in 500 ms (kept version none)');
    expect(await versions()).toEqual([]);
  });

  it('stops reading at the size limit instead of holding the whole answer in memory', async () => {
    // a wrong URL (a file download, a live stream) sends on and on; this one stops at 3x the limit and holds
    // the connection open, so a download that reads past the limit waits for the timeout
    const outcome = await withServer(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const write = () => {
          while (!response.destroyed && sent < 3 * BRIEFING_MAX_CHARS) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', write);
          }
        };
        write();
      },
      async (url) => {
        const huge = await compileWorker({ BRIEFING_URL: url }, 10_000);
        return within(
          huge.run(harness.jobContext()).catch((error: Error) => error.message),
          20_000,
        );
      },
    );
    expect(outcome).toBe(`briefing is larger than ${BRIEFING_MAX_CHARS} characters (kept version none)`);
    expect(await versions()).toEqual([]);
  });

  /** a port nothing listens on: connecting to it is refused */
  async function closedPort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  it('fails when the server is unreachable, saying why', async () => {
    const unreachable = await compileWorker({
      BRIEFING_URL: `http://127.0.0.1:${await closedPort()}/briefing`,
    });
    await expect(unreachable.run(harness.jobContext())).rejects.toThrow(
      'briefing download failed: ECONNREFUSED (kept version none)',
    );
    expect(await versions()).toEqual([]);
  });

  it('logs in with the user and password of the URL, and writes the password nowhere', async () => {
    const authorizations: (string | undefined)[] = [];
    const fonte = await withServer(
      (request, response) => {
        authorizations.push(request.headers.authorization);
        response.writeHead(200, { 'content-type': 'text/plain' }).end('Foco: UTI adulto');
      },
      async (url) => {
        const withLogin = url.replace('http://', 'http://equipe:s%C3%AAnha%40123@');
        await (await compileWorker({ BRIEFING_URL: withLogin })).run(harness.jobContext());
        return url;
      },
    );
    expect(authorizations).toEqual([`Basic ${Buffer.from('equipe:sênha@123').toString('base64')}`]);
    const { rows } = await harness.db.sql.query('SELECT conteudo, fonte FROM briefings');
    expect(rows).toEqual([{ conteudo: 'Foco: UTI adulto', fonte }]);
  });

  it('fails without quoting a password when the URL with a login cannot be reached', async () => {
    const unreachable = await compileWorker({
      BRIEFING_URL: `http://equipe:s3cret@127.0.0.1:${await closedPort()}/briefing`,
    });
    const failure = await unreachable.run(harness.jobContext()).catch((error: Error) => error.message);
    expect(failure).toBe('briefing download failed: ECONNREFUSED (kept version none)');
  });

  it('succeeds with "not configured" when BRIEFING_URL is unset', async () => {
    const unconfigured = await compileWorker({});
    expect(await unconfigured.run(harness.jobContext())).toEqual({
      itemsProcessed: 0,
      details: { outcome: 'not configured' },
    });
    expect(server.requests).toHaveLength(0);
  });
});
