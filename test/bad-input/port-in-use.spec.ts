import { createServer, type Server } from 'node:net';
import { runCommand } from '../utils/run-command';
import { freePort } from '../utils/service-process';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

// A second `npm start` on one machine, or PORT set to the port of another service: the operator's to fix,
// so it is said in one line, as the other start-up failures are (src/common/operator-error.ts).
describe('start-up with PORT already taken', () => {
  let db: TestDatabase;
  let taken: Server;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase('port_in_use');
    port = await freePort();
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '0.0.0.0', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => taken.close(resolve));
    await db.drop();
  });

  it('node dist/main exits 1 naming PORT, in one line without a stack trace', async () => {
    const result = await runCommand(process.execPath, ['dist/main'], {
      DATABASE_URL: db.url,
      PORT: String(port),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`PORT ${port} is already in use`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // and where the service's logs are read (CONTRACT §8): a JSON ERROR line on stdout (Nest logs its own
    // EADDRINUSE line before it)
    const errors = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.level === 'ERROR');
    expect(errors).toContainEqual(
      expect.objectContaining({
        msg: 'start-up failed',
        context: 'main',
        error: expect.stringContaining(`PORT ${port} is already in use`),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    );
  });
});
