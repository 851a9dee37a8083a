import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { testConfig } from '../../../test/utils/test-config';
import { ClassifierProviderClient } from './classifier-provider.client';

describe('ClassifierProviderClient against a classifier that stops answering (HTTP on 127.0.0.1)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let server: Server;
  let url: string;
  let stall: (response: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        stall(response);
        gc(); // a long-running service collects garbage while it waits; the timeout must survive it
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** the verdict, or 'still waiting' after `ms` (a client that hangs fails the test, not the suite) */
  function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
    return Promise.race([
      promise,
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref()),
    ]);
  }

  const client = () => new ClassifierProviderClient(testConfig({ GRUPOS_CLASSIFIER_URL: url }), 300);

  it('gives up at its timeout when no answer comes, even after a garbage collection', async () => {
    stall = () => undefined;
    const verdict = await within(
      client().classify('Plantão UTI sábado', new AbortController().signal),
      5_000,
    );
    expect(verdict).toEqual({ erro: 'classificador inacessível: timeout' });
  });

  it('gives up at its timeout when the answer stops mid-body: a timeout (retried), not a body that is not JSON', async () => {
    stall = (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"choices": [');
    };
    const verdict = await within(
      client().classify('Plantão UTI sábado', new AbortController().signal),
      5_000,
    );
    expect(verdict).toEqual({ erro: 'classificador inacessível: timeout' });
  });

  it("stops when the run's signal aborts, before the timeout", async () => {
    stall = () => undefined;
    const run = new AbortController();
    const verdict = client().classify('Plantão UTI sábado', run.signal);
    setTimeout(() => run.abort(new Error('shutting down')), 50);
    expect(await within(verdict, 250)).toEqual({ erro: 'classificador inacessível: shutting down' });
  });

  it('says why it could not connect (the network error code), not only "fetch failed"', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = new ClassifierProviderClient(
      testConfig({ GRUPOS_CLASSIFIER_URL: `http://127.0.0.1:${port}/v1/chat/completions` }),
      5_000,
    );
    expect(await refused.classify('Plantão UTI sábado', new AbortController().signal)).toEqual({
      erro: 'classificador inacessível: ECONNREFUSED',
    });
  });
});
