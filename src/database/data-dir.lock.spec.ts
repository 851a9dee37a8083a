import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLock } from './data-dir.lock';

describe('DataDirLock', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'data-dir-lock-'));
    path = join(dir, 'pglite.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes our pid and removes the file on release', () => {
    const lock = new DataDirLock(path);
    lock.acquire();
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a second open in the same process', () => {
    const lock = new DataDirLock(path);
    lock.acquire();
    expect(() => new DataDirLock(path).acquire()).toThrow(/already open in this process/);
    lock.release();
    const again = new DataDirLock(path);
    again.acquire();
    again.release();
  });

  it('refuses a directory held by another live process', () => {
    writeFileSync(path, '1'); // pid 1 always exists
    expect(() => new DataDirLock(path).acquire()).toThrow(/in use by process 1/);
    expect(readFileSync(path, 'utf8')).toBe('1');
  });

  it('takes over a lock left by a process that is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(path, String(gone));
    const lock = new DataDirLock(path);
    lock.acquire();
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
    lock.release();
  });
});
