/**
 * What a test needs to reach a pool the process driver runs: the bootstrap and admin URL of
 * each broker and the pool token, read from the pool's directory (pool-files.ts layout).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PoolAccess {
  token: string;
  brokers: Array<{
    brokerId: number;
    bootstrap: string;
    adminUrl: string;
    pid: () => Promise<number>;
  }>;
  dir: string;
  admin(brokerId: number, method: string, path: string, body?: unknown): Promise<Response>;
}

export async function poolAccess(dataRoot: string, clusterId: string): Promise<PoolAccess> {
  const dir = join(dataRoot, 'pools', clusterId);
  const record = JSON.parse(await readFile(join(dir, 'pool.json'), 'utf8')) as {
    brokers: Array<{ brokerId: number; clientPort: number; adminPort: number }>;
  };
  const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
  const brokers = record.brokers.map((b) => ({
    brokerId: b.brokerId,
    bootstrap: `127.0.0.1:${b.clientPort}`,
    adminUrl: `http://127.0.0.1:${b.adminPort}`,
    pid: async () => Number((await readFile(join(dir, `broker-${b.brokerId}.pid`), 'utf8')).trim()),
  }));
  return {
    token,
    brokers,
    dir,
    admin: (brokerId, method, path, body) =>
      fetch(`${brokers[brokerId].adminUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}
