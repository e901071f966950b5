/**
 * A throw-away Redis server for one test file: `redis-server` as a child process on a free
 * loopback port, no persistence (no RDB, no AOF), stopped with the test. Starts in well
 * under a second. Needs redis-server on PATH (scripts/setup.sh installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';
import { killWithParent, stopProcess } from './process-lifecycle.js';
import { createTempDir } from './temp-dir.js';

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** The server process (tests may kill it). */
  readonly process: ChildProcess;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = await createTempDir('tributary-redis-');
  const port = await freePort();
  const child = spawn(
    process.env.REDIS_SERVER ?? 'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir.path,
      '--daemonize',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  killWithParent(child);
  try {
    await waitForReady(child);
  } catch (e) {
    await stopProcess(child, { signal: 'SIGKILL', graceMs: 5_000 });
    await dir.remove();
    throw e;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopProcess(child, { signal: 'SIGTERM', graceMs: 5_000 });
    await dir.remove();
  };
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    process: child,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (b: Buffer) => {
      log += b.toString();
      if (log.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
    child.once('error', (e) => reject(new Error(`cannot run redis-server: ${e.message}`)));
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `redis-server exited (${code ?? signal}) before it was ready:\n${log.slice(-3000)}`,
        ),
      ),
    );
    setTimeout(
      () => reject(new Error(`redis-server not ready in 15 s:\n${log.slice(-3000)}`)),
      15_000,
    ).unref();
  });
}
