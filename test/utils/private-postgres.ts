import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './service-process';

const run = promisify(execFile);
const POSTGRES_USER = 'postgres';
const INSTALLS = '/usr/lib/postgresql';

/**
 * A PostgreSQL server of the test's own (initdb into a temp dir, trust auth, 127.0.0.1 on a free port,
 * unix socket in the temp dir), for tests that stop the database: the shared one on 5432 must never be
 * stopped. It can be stopped as in a crash and started again on the same port.
 */
export class PrivatePostgres {
  private readonly dir = mkdtempSync(join(tmpdir(), 'whats-workers-pg-'));
  private readonly dataDir = join(this.dir, 'data');
  private readonly bin = postgresBinDir();
  private initialized = false;
  private running = false;
  port = 0;

  /** the maintenance database, for CREATE/DROP DATABASE (createTestDatabase's adminUrl) */
  get adminUrl(): string {
    return `postgresql://${POSTGRES_USER}@127.0.0.1:${this.port}/postgres`;
  }

  async start(): Promise<this> {
    if (this.running) return this;
    if (!this.initialized) await this.init();
    if (this.port === 0) this.port = await freePort();
    // Without fsync the WAL still reaches the OS before a commit is acknowledged, so a killed server
    // loses nothing it confirmed (only a machine crash could); synchronous_commit stays on: with it off
    // a confirmed commit can vanish in a crash, which would blame the service for the test's settings.
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${this.dir}`,
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    await this.asPostgres('pg_ctl', [
      'start',
      '--wait',
      '--timeout=60',
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      options,
    ]);
    this.running = true;
    return this;
  }

  /** `pg_ctl stop -m immediate`: every backend is killed at once, no checkpoint, recovery on the next start */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.asPostgres('pg_ctl', ['stop', '--wait', '-m', 'immediate', '-D', this.dataDir]);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async init(): Promise<void> {
    if (userInfo().uid === 0) {
      const owner = userIds(POSTGRES_USER);
      chownSync(this.dir, owner.uid, owner.gid);
    }
    await this.asPostgres('initdb', [
      '-D',
      this.dataDir,
      '-U',
      POSTGRES_USER,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    this.initialized = true;
  }

  // PostgreSQL refuses to run as root; as any other user it runs as that user
  private async asPostgres(tool: string, args: string[]): Promise<void> {
    const binary = join(this.bin, tool);
    const [command, commandArgs] =
      userInfo().uid === 0 ? ['runuser', ['-u', POSTGRES_USER, '--', binary, ...args]] : [binary, args];
    try {
      await run(command, commandArgs, { cwd: this.dir, timeout: 90_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${tool} ${args[0]} failed: ${stderr || stdout || String(error)}`, { cause: error });
    }
  }
}

/** The newest PostgreSQL installed under /usr/lib/postgresql/<version>/bin (Debian's layout). */
function postgresBinDir(): string {
  const versions = existsSync(INSTALLS)
    ? readdirSync(INSTALLS)
        .filter((version) => existsSync(join(INSTALLS, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error(`no PostgreSQL server binaries under ${INSTALLS}/<version>/bin`);
  return join(INSTALLS, versions[0], 'bin');
}

function userIds(user: string): { uid: number; gid: number } {
  // name:password:uid:gid:...
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) throw new Error(`user ${user} not found`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
