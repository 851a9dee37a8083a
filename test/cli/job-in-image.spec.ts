import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, runCommand, summaryOf } from '../utils/run-command';
import { createTestDatabase, type TestDatabase } from '../utils/test-database';

// README: "run a missed daily job by hand: npm run job -- daily_report", from a shell in the deployed
// container. The Docker image's runtime stage holds only what the Dockerfile copies into /app: no src/.
const IMAGE_FILES = ['dist', 'prisma', 'scripts', 'package.json'];

describe('npm run job in the Docker image’s layout (dist without src)', () => {
  let db: TestDatabase;
  let app: string;

  beforeAll(async () => {
    db = await createTestDatabase('job_in_image');
    app = mkdtempSync(join(tmpdir(), 'whats-workers-image-'));
    for (const file of IMAGE_FILES) cpSync(join(projectRoot, file), join(app, file), { recursive: true });
    symlinkSync(join(projectRoot, 'node_modules'), join(app, 'node_modules'));
  });
  afterAll(async () => {
    rmSync(app, { recursive: true, force: true });
    await db.drop();
  });

  it('runs the job from dist as it is', async () => {
    const result = await runCommand(
      'npm',
      ['run', '--silent', 'job', '--', 'shift_confirmation'],
      {
        DATABASE_URL: db.url,
      },
      60_000,
      app,
    );
    expect(result.stderr).not.toMatch(/ENOENT|\n\s+at /);
    expect(result.code).toBe(0);
    expect(summaryOf(result)).toMatchObject({ job: 'shift_confirmation', status: 'success' });
  });
});
