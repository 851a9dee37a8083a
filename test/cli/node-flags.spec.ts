import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// A larger young generation for the queue worker's batches in flight (README, Operations). Every way of
// starting the service must give it, and the bench must measure the service as it is started.
const FLAG = '--max-semi-space-size=32';
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

describe('the Node flags of the service', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it.each([
    ['nest start (nest-cli.json exec)', (JSON.parse(read('nest-cli.json')) as { exec: string }).exec],
    ['npm run start:prod', scripts['start:prod']],
    ['npm run job', scripts.job],
    [
      'the Dockerfile CMD',
      read('Dockerfile')
        .split('\n')
        .find((line) => line.startsWith('CMD ')) ?? '',
    ],
    [
      'the bench',
      read('bench/run.mjs')
        .split('\n')
        .find((line) => line.startsWith('const SERVICE_NODE_FLAGS')) ?? '',
    ],
  ])('%s gives node the flag', (_where, command) => {
    expect(command).toContain(FLAG);
  });
});
