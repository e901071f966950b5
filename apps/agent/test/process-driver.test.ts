/**
 * The process driver with real broker processes (build the broker first: npm run build):
 * a pool starts with its own data dir, ports and 0600 token; a second driver adopts the
 * running broker instead of starting another; kill -9 gets it restarted with back-off; a
 * config change restarts it with the new settings; removePool leaves no process and no files.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PoolSpec } from '@tributary/contracts';
import { brokerBuilt, createTempDir, repoRoot, type TempDir } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessDriver } from '../src/drivers/process/process-driver.js';
import { createLogger } from '../src/log.js';
import { killPoolBrokers, pidAlive, waitUntil } from './support/pool-cleanup.js';

const entry = join(repoRoot(), 'apps/broker/dist/main.js');
let tmp: TempDir;
const drivers: ProcessDriver[] = [];

function spec(overrides: Partial<PoolSpec> = {}): PoolSpec {
  return {
    clusterId: 'lkc-driver1',
    generation: 1,
    state: 'RUNNING',
    brokers: 1,
    resources: { cpuMillis: 500, memoryMiB: 256, storageGiB: 1 },
    brokerConfig: { 'num.partitions': '2' },
    limits: {},
    credentials: [],
    acls: [],
    topics: [],
    ...overrides,
  };
}

async function driver(): Promise<ProcessDriver> {
  const d = await ProcessDriver.start({
    dataRoot: tmp.path,
    brokerEntry: entry,
    portRange: { min: 21100, max: 21199 },
    log: createLogger('warn', 'driver-test'),
    superviseIntervalMs: 100,
    restartInitialMs: 200,
  });
  drivers.push(d);
  return d;
}

const pidOf = async (n = 0) =>
  Number((await readFile(join(tmp.path, 'pools/lkc-driver1', `broker-${n}.pid`), 'utf8')).trim());

beforeAll(async () => {
  if (!brokerBuilt()) throw new Error('build the broker first: npm run build');
  tmp = await createTempDir('agent-driver-');
});
afterAll(async () => {
  for (const d of drivers) await d.close();
  await killPoolBrokers(tmp.path);
  await tmp.remove();
});

describe('process driver', () => {
  it('starts a pool: own dir, ports, 0600 token, heap limit; RUNNING when the admin endpoint answers', async () => {
    const d = await driver();
    await d.ensurePool(spec({ brokers: 2 }));
    const [pool] = await d.listPools();
    expect(pool.brokers.map((b) => b.state)).toEqual(['RUNNING', 'RUNNING']);
    const ports = pool.brokers.flatMap((b) => [
      Number(b.endpoint!.split(':')[1]),
      Number(new URL(b.adminUrl!).port),
    ]);
    expect(new Set(ports).size).toBe(4);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(21100);
    const token = join(tmp.path, 'pools/lkc-driver1/admin-token');
    expect((await stat(token)).mode & 0o777).toBe(0o600);
    const health = await fetch(`${pool.brokers[1].adminUrl}/v1/health`, {
      headers: { authorization: `Bearer ${pool.adminToken}` },
    });
    expect(((await health.json()) as { nodeId: number }).nodeId).toBe(1);
    const cmd = (await readFile(`/proc/${await pidOf(0)}/cmdline`, 'utf8')).split('\0');
    expect(cmd).toContain('--max-old-space-size=192');
    expect(cmd).toContain('num.partitions=2');
    expect(cmd).toContain(`SASL_PLAINTEXT://${pool.brokers[0].endpoint}`);
    // Fewer brokers: the extra one is stopped and its data removed.
    const second = await pidOf(1);
    await d.ensurePool(spec({ brokers: 1 }));
    expect(pidAlive(second)).toBe(false);
    await expect(stat(join(tmp.path, 'pools/lkc-driver1/broker-1'))).rejects.toThrow();
  });

  it('a new driver adopts the running broker (same pid), even with a lost pid file', async () => {
    const pid = await pidOf();
    await drivers[0].close();
    const d = await driver();
    const [pool] = await d.listPools();
    expect(pool.brokers[0].state).not.toBe('CRASHED');
    await d.ensurePool(spec());
    expect(await pidOf()).toBe(pid);
    await d.close();
    const { rm } = await import('node:fs/promises');
    await rm(join(tmp.path, 'pools/lkc-driver1/broker-0.pid'));
    const d2 = await driver();
    await d2.ensurePool(spec());
    expect(await pidOf()).toBe(pid);
    const [again] = await d2.listPools();
    expect(again.brokers[0]).toMatchObject({ state: 'RUNNING', restarts: 0 });
  });

  it('restarts a broker killed with SIGKILL, with back-off, and reports why', async () => {
    const d = drivers.at(-1)!;
    const pid = await pidOf();
    process.kill(pid, 'SIGKILL');
    const status = await waitUntil('restart', async () => {
      const [p] = await d.listPools();
      return p.brokers[0].state === 'RUNNING' && p.brokers[0].restarts === 1 && p.brokers[0];
    });
    expect(status.lastError).toMatch(/SIGKILL|gone/);
    expect(await pidOf()).not.toBe(pid);
  });

  it('restarts with the new settings when the broker config changes', async () => {
    const d = drivers.at(-1)!;
    const pid = await pidOf();
    await d.ensurePool(spec({ brokerConfig: { 'num.partitions': '3' }, generation: 2 }));
    const newPid = await waitUntil('rolling restart', async () => {
      const [p] = await d.listPools();
      const now = await pidOf();
      return now !== pid && p.brokers[0].state === 'RUNNING' && now;
    });
    const cmd = (await readFile(`/proc/${newPid}/cmdline`, 'utf8')).split('\0');
    expect(cmd).toContain('num.partitions=3');
    expect(pidAlive(pid)).toBe(false);
  });

  it('removePool stops the brokers and deletes the pool directory', async () => {
    const d = drivers.at(-1)!;
    const pid = await pidOf();
    await d.removePool('lkc-driver1');
    expect(pidAlive(pid)).toBe(false);
    await expect(stat(join(tmp.path, 'pools/lkc-driver1'))).rejects.toThrow();
    expect(await d.listPools()).toEqual([]);
    await d.removePool('lkc-driver1');
  });
});
