// Runs once before the whole suite: the process tests (test/cli, test/e2e) run the built service, so
// dist/ is brought up to date here, once, rather than by several test files building at the same time.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function globalSetup() {
  const result = spawnSync(process.execPath, ['scripts/ensure-build.mjs'], {
    cwd: path.resolve(__dirname, '..'),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the build failed: run `npm run build` to see why');
};
