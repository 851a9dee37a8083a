import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { projectRoot, runCommand } from '../utils/run-command';

// The image's HEALTHCHECK reads PORT itself: it must find the port the service listens on for every PORT
// the service accepts (the configuration ignores spaces around it).
describe('the Docker image’s HEALTHCHECK', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/health/workers' ? 200 : 404;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const healthcheck = (): string[] => {
    const line = /^\s*CMD (\[.*\])$/m.exec(
      readFileSync(join(projectRoot, 'Dockerfile'), 'utf8').split('HEALTHCHECK')[1],
    );
    return JSON.parse(line![1]) as string[];
  };

  it.each([
    ['as the platform sets it', (p: number) => `${p}`],
    ['with spaces around it', (p: number) => ` ${p} `],
  ])('is healthy with PORT %s', async (_, written) => {
    const [, ...args] = healthcheck();
    const result = await runCommand(process.execPath, args, { PORT: written(port) }, 20_000);
    expect(result.code).toBe(0);
  });
});
