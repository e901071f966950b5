/**
 * PostgreSQL for the local platform, kept across runs in `<data>/postgres`: initdb on the
 * first start, then `postgres` on a free loopback port (TCP only, no Unix socket), and the
 * `tributary` database created when missing. PostgreSQL refuses to run as root: as root the
 * server runs as the Debian package's `postgres` user (through setpriv, as
 * libs/testing/src/postgres.ts does for tests) and owns the data directory.
 */
import { existsSync, mkdirSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import {
  asPostgresUser,
  freePort,
  postgresBinDir,
  postgresUser,
  runProcess,
} from '@tributary/testing';
import { startService, stopLeftover, type ServiceProcess } from './service-process.js';

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startLocalPostgres(dataDir: string, logDir: string): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  const as = await postgresUser();
  const dir = join(dataDir, 'postgres');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (as) {
    chownSync(dir, as.uid, as.gid);
    const reach = await runProcess(...asPostgresUser(as, 'test', ['-w', dir]), {
      allowFailure: true,
    });
    if (reach.code !== 0)
      throw new Error(
        `the postgres user cannot reach ${dir}: every directory above it must be searchable (chmod o+x), or set DATABASE_URL`,
      );
  }
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    console.log(`local platform: creating a PostgreSQL cluster in ${dir}`);
    await runProcess(
      ...asPostgresUser(as, join(bin, 'initdb'), [
        '-D',
        dir,
        '-U',
        'postgres',
        '--auth=trust',
        '--no-instructions',
        '-E',
        'UTF8',
        '--locale=C',
      ]),
      { timeoutMs: 120_000 },
    );
  }
  const leftover = await stopLeftover(join(dir, 'postmaster.pid'), 'postgres', 'SIGINT');
  if (leftover) console.log(`local platform: stopped a PostgreSQL left running (pid ${leftover})`);
  const port = await freePort();
  const [cmd, args] = asPostgresUser(as, join(bin, 'postgres'), [
    '-D',
    dir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
  ]);
  const server: ServiceProcess = await startService({
    name: 'postgres',
    command: cmd,
    args,
    logFile: join(logDir, 'postgres.log'),
    readyLine: 'ready to accept connections',
    // SIGINT = "fast" shutdown: disconnect clients, checkpoint, exit.
    stopSignal: 'SIGINT',
  });
  try {
    const psql = (sql: string) =>
      runProcess('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-tAc', sql]);
    const found = await psql(`SELECT 1 FROM pg_database WHERE datname = 'tributary'`);
    if (found.stdout.toString().trim() !== '1') await psql('CREATE DATABASE tributary');
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/tributary`,
    stop: () => server.stop(),
  };
}
