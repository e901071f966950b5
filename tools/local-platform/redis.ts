/**
 * Redis for the local platform, kept across runs in `<data>/redis` (append-only file, so
 * queued provisioning jobs survive a restart), on a free loopback port.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '@tributary/testing';
import { startService, stopLeftover } from './service-process.js';

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startLocalRedis(dataDir: string, logDir: string): Promise<LocalRedis> {
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pidFile = join(dir, 'redis.pid');
  const leftover = await stopLeftover(pidFile, 'redis-server', 'SIGTERM');
  if (leftover) console.log(`local platform: stopped a Redis left running (pid ${leftover})`);
  const port = await freePort();
  const server = await startService({
    name: 'redis',
    command: process.env.REDIS_SERVER ?? 'redis-server',
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--pidfile',
      pidFile,
      '--daemonize',
      'no',
    ],
    logFile: join(logDir, 'redis.log'),
    readyLine: 'Ready to accept connections',
    // SIGTERM: Redis flushes the append-only file and exits.
    stopSignal: 'SIGTERM',
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => server.stop() };
}
