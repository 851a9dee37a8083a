#!/usr/bin/env node
// `npm run job` runs the compiled dist/job.js; build first when dist is missing or older than src,
// so a fresh clone needs no separate build step (the Docker image, which has no src, uses its dist).
// Build output goes to stderr: stdout is the job's.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const target = path.join(root, 'dist', 'job.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

const sources = path.join(root, 'src');
// the Docker image ships dist without src: what it holds is the build, there is nothing to rebuild from
if (!existsSync(sources)) {
  if (existsSync(target)) process.exit(0);
  process.stderr.write(
    `neither ${target} nor src/ to build it from: run npm run job from the repository root\n`,
  );
  process.exit(1);
}
const stale = !existsSync(target) || newestMtime(sources) > statSync(target).mtimeMs;
if (stale) {
  const nest = path.join(root, 'node_modules', '.bin', 'nest');
  const result = spawnSync(nest, ['build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    process.stderr.write('build failed: run `npm run build` to see why\n');
    process.exit(result.status ?? 1);
  }
}
