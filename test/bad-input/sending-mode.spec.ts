import { runCommand } from '../utils/run-command';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

// Two settings start cleanly and then keep every message from the leads: APP_ENV=production with the default
// console provider (rows become `enviada`, nothing leaves) and a real provider without APP_ENV=production
// (every lead outside OUTBOUND_ALLOWLIST is `bloqueada`). The operator must read it at start-up, not find
// out from the doctors.
const EVOLUTION = {
  WHATSAPP_PROVIDER: 'evolution',
  EVOLUTION_API_URL: 'http://127.0.0.1:1',
  EVOLUTION_API_KEY: 'evo-key',
  EVOLUTION_INSTANCE: 'numero1',
};

describe('start-up with settings that send nothing to the leads', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('sending_mode');
  });
  afterAll(async () => {
    await db.drop();
  });

  async function startupWarnings(env: Record<string, string>): Promise<string[]> {
    const result = await runCommand(process.execPath, ['dist/job', '--list'], {
      DATABASE_URL: db.url,
      ...env,
    });
    expect(result.code).toBe(0);
    return result.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string })
      .filter((line) => line.level === 'WARN' && /APP_ENV/.test(line.msg))
      .map((line) => line.msg);
  }

  it('warns that APP_ENV=production with the console provider only logs the messages', async () => {
    const warnings = await startupWarnings({ APP_ENV: 'production' });
    expect(warnings).toEqual([expect.stringContaining('WHATSAPP_PROVIDER is console')]);
  });

  it('warns that a real provider outside production sends only to OUTBOUND_ALLOWLIST', async () => {
    const warnings = await startupWarnings({ ...EVOLUTION, OUTBOUND_ALLOWLIST: '5511999990001' });
    expect(warnings).toEqual([expect.stringContaining('only to the 1 number(s) of OUTBOUND_ALLOWLIST')]);
  });

  it('says nothing when production sends through a real provider, or development only logs', async () => {
    expect(await startupWarnings({ ...EVOLUTION, APP_ENV: 'production' })).toEqual([]);
    expect(await startupWarnings({})).toEqual([]);
  });
});
