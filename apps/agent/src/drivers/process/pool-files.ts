/**
 * The on-disk layout of one pool under the process driver, and its record (pool.json).
 *
 *   <dataRoot>/pools/<clusterId>/
 *     pool.json          brokers with their ports (allocated once), resources, broker config
 *     admin-token        the pool token the brokers' admin endpoints accept (mode 0600)
 *     s3-credentials.properties  the region's S3 key pair for the brokers' --config (mode 0600;
 *                        only with tiered storage and static credentials)
 *     broker-<n>/        broker n's data dir (--data-dir)
 *     broker-<n>.pid     pid of broker n's process, checked against /proc before it is trusted
 *     broker-<n>.log     broker n's stdout and stderr (appended across restarts)
 *
 * Every path is built here, so nothing outside a pool's directory is ever written or removed.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const recordSchema = z.strictObject({
  version: z.literal(1),
  clusterId: z.string(),
  brokers: z.array(
    z.strictObject({
      brokerId: z.number().int().min(0),
      clientPort: z.number().int().min(1).max(65535),
      adminPort: z.number().int().min(1).max(65535),
    }),
  ),
  memoryMiB: z.number().int(),
  brokerConfig: z.record(z.string(), z.string()),
  /** Changes when memory or broker config change: brokers then restart one at a time. */
  configHash: z.string(),
});
export type PoolRecord = z.infer<typeof recordSchema>;
export type BrokerPorts = PoolRecord['brokers'][number];

export class PoolFiles {
  constructor(
    readonly root: string,
    readonly clusterId: string,
  ) {
    if (!/^[a-z0-9-]{3,64}$/.test(clusterId)) throw new Error(`bad cluster id ${clusterId}`);
  }

  static poolsDir(dataRoot: string): string {
    return join(dataRoot, 'pools');
  }

  /** Cluster ids with a pool directory under the data root. */
  static async list(dataRoot: string): Promise<string[]> {
    try {
      const entries = await readdir(PoolFiles.poolsDir(dataRoot), { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && /^[a-z0-9-]{3,64}$/.test(e.name))
        .map((e) => e.name)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  get dir(): string {
    return join(PoolFiles.poolsDir(this.root), this.clusterId);
  }
  get recordFile(): string {
    return join(this.dir, 'pool.json');
  }
  get tokenFile(): string {
    return join(this.dir, 'admin-token');
  }
  get s3CredentialsFile(): string {
    return join(this.dir, 's3-credentials.properties');
  }
  brokerDir(n: number): string {
    return join(this.dir, `broker-${n}`);
  }
  pidFile(n: number): string {
    return join(this.dir, `broker-${n}.pid`);
  }
  logFile(n: number): string {
    return join(this.dir, `broker-${n}.log`);
  }

  async readRecord(): Promise<PoolRecord | null> {
    try {
      return recordSchema.parse(JSON.parse(await readFile(this.recordFile, 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${this.recordFile}: ${(err as Error).message}`);
    }
  }

  async writeRecord(record: PoolRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeAtomically(this.recordFile, `${JSON.stringify(record, null, 2)}\n`);
  }

  /** The pool token: generated once, kept in a 0600 file the brokers read. */
  async adminToken(): Promise<string> {
    try {
      return (await readFile(this.tokenFile, 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const token = randomBytes(32).toString('base64url');
    await writeAtomically(this.tokenFile, `${token}\n`, 0o600);
    return token;
  }

  /** Writes the brokers' secret properties (0600), or removes the file when there are none. */
  async writeSecretProperties(props: Record<string, string>): Promise<string | null> {
    const entries = Object.entries(props);
    if (entries.length === 0) {
      await rm(this.s3CredentialsFile, { force: true });
      return null;
    }
    for (const [k, v] of entries)
      if (/[\r\n]/.test(k + v) || v !== v.trim())
        throw new Error(`property ${k}: a value cannot hold line breaks or surrounding blanks`);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const text = entries.map(([k, v]) => `${k}=${v}\n`).join('');
    await writeAtomically(this.s3CredentialsFile, text, 0o600);
    return this.s3CredentialsFile;
  }

  async readPid(n: number): Promise<number | null> {
    try {
      const pid = Number((await readFile(this.pidFile(n), 'utf8')).trim());
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async writePid(n: number, pid: number): Promise<void> {
    await writeAtomically(this.pidFile(n), `${pid}\n`);
  }
}

async function writeAtomically(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}
