/**
 * A throw-away PostgreSQL server for one test file: initdb into a temp dir, then `postgres`
 * as a child process on a free loopback port (fsync off, socket in the data dir), removed on
 * stop. PostgreSQL refuses to run as root, and tests here run as root: when we are root the
 * server programs run as the unprivileged `postgres` user (created by the Debian package)
 * through `setpriv`, and the data dir is handed to that user. Start-up takes about a second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chown } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { killWithParent, stopProcess } from './process-lifecycle.js';
import { runProcess } from './run-process.js';
import { createTempDir } from './temp-dir.js';

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  /** postgresql:// URL of `database` (default `postgres`), superuser `postgres`, no password. */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The directory holding initdb/postgres: $PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions)
    if (existsSync(join(base, v, 'bin/postgres'))) return join(base, v, 'bin');
  throw new Error(
    'PostgreSQL not found: run scripts/setup.sh (apt-get install postgresql) or set PG_BIN',
  );
}

/** The unprivileged account the PostgreSQL programs run as when we are root. */
export interface PostgresUser {
  uid: number;
  gid: number;
}

/** null when we are not root (the programs run as us), else the `postgres` user. */
export async function postgresUser(): Promise<PostgresUser | null> {
  if (process.getuid?.() !== 0) return null;
  const id = await runProcess('id', ['-u', 'postgres'], { allowFailure: true });
  const gid = await runProcess('id', ['-g', 'postgres'], { allowFailure: true });
  if (id.code !== 0)
    throw new Error('running as root needs the `postgres` user (apt-get install postgresql)');
  return { uid: Number(id.stdout.toString().trim()), gid: Number(gid.stdout.toString().trim()) };
}

/** The command line that runs `program` as `user` (through setpriv), or as us. */
export function asPostgresUser(
  user: PostgresUser | null,
  program: string,
  args: string[],
): [string, string[]] {
  return user
    ? [
        'setpriv',
        ['--reuid=postgres', '--regid=postgres', '--clear-groups', '--', program, ...args],
      ]
    : [program, args];
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const as = await postgresUser();
  const dir = await createTempDir('tributary-pg-');
  const data = join(dir.path, 'data');
  let child: ChildProcess | undefined;
  try {
    if (as) await chown(dir.path, as.uid, as.gid);
    await runProcess(
      ...asPostgresUser(as, join(bin, 'initdb'), [
        '-D',
        data,
        '-U',
        'postgres',
        '--auth=trust',
        '--no-sync',
        '--no-instructions',
        '-E',
        'UTF8',
        '--locale=C',
      ]),
      { timeoutMs: 60_000 },
    );
    const port = await freePort();
    const [cmd, args] = asPostgresUser(as, join(bin, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir.path,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ]);
    const started = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    killWithParent(started);
    await waitForReady(started);
    const url = (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`;
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      // SIGINT = "fast" shutdown: disconnect clients, then exit.
      await stopProcess(started, { signal: 'SIGINT', graceMs: 10_000 });
      await dir.remove();
    };
    return {
      host: '127.0.0.1',
      port,
      url,
      async createDatabase(name) {
        if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
        await runProcess('psql', [
          url(),
          '-v',
          'ON_ERROR_STOP=1',
          '-qc',
          `CREATE DATABASE ${name}`,
        ]);
        return url(name);
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (e) {
    if (child) await stopProcess(child, { signal: 'SIGKILL', graceMs: 5_000 });
    await dir.remove();
    throw e;
  }
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (b: Buffer) => {
      log += b.toString();
      if (log.includes('ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.resume();
    child.once('exit', (code, signal) =>
      reject(
        new Error(`postgres exited (${code ?? signal}) before it was ready:\n${log.slice(-3000)}`),
      ),
    );
    setTimeout(
      () => reject(new Error(`postgres not ready in 30 s:\n${log.slice(-3000)}`)),
      30_000,
    ).unref();
  });
}
