import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { OperatorError } from '../common/operator-error';

/**
 * An exclusive lock file beside the embedded data directory. PGlite itself lets two processes
 * open the same directory (e.g. `npm start` and `npm run job`), which corrupts it.
 */
export class DataDirLock {
  // the pid in the file cannot tell two opens by this very process apart
  private static readonly heldHere = new Set<string>();
  private held = false;

  constructor(private readonly path: string) {}

  acquire(): void {
    if (DataDirLock.heldHere.has(this.path))
      throw new Error(`the embedded database is already open in this process (${this.path})`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.held = true;
        DataDirLock.heldHere.add(this.path);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = this.owner();
        if (owner !== null && owner !== process.pid && isAlive(owner))
          throw new OperatorError(
            `the embedded database is in use by process ${owner} (${this.path}); ` +
              'stop it, or set DATABASE_URL so several processes can share a PostgreSQL database',
            { cause: error },
          );
        rmSync(this.path, { force: true }); // left behind by a process that is gone
      }
    }
    throw new Error(`could not lock the embedded database (${this.path})`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    DataDirLock.heldHere.delete(this.path);
    if (this.owner() === process.pid) rmSync(this.path, { force: true });
  }

  private owner(): number | null {
    try {
      const pid = Number.parseInt(readFileSync(this.path, 'utf8'), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
