/**
 * What runs keeps running: a two-broker pool under the agent process. kill -9 of a broker →
 * the agent restarts it and the pool is RUNNING again; restarting the agent (SIGKILL, then a
 * new one) changes nothing that runs (same broker pids, no restarts); with the control plane
 * down the brokers keep serving, and a spec change made meanwhile is applied once it returns;
 * a DELETED pool leaves no process and no directory behind.
 */
import { stat } from 'node:fs/promises';
import { kcatConsume, kcatProduce } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allow,
  makeKey,
  plain,
  poolSpec,
  startHarness,
  type AgentHarness,
  type TestKey,
} from './support/fixtures.js';
import { poolAccess, type PoolAccess } from './support/pool-access.js';
import { pidAlive, waitUntil } from './support/pool-cleanup.js';

const ID = 'lkc-resilient';
let h: AgentHarness;
let pool: PoolAccess;
let key: TestKey;
let late: TestKey;

const pids = () => Promise.all(pool.brokers.map((b) => b.pid()));

async function roundTrip(brokerId: number, value: string, k = key): Promise<void> {
  const bootstrap = pool.brokers[brokerId].bootstrap;
  await kcatProduce({ bootstrap, topic: 'events', security: plain(k) }, [{ value }]);
  const got = await kcatConsume({ bootstrap, topic: 'events', security: plain(k), offset: -1 });
  expect(got.map((r) => r.value?.toString())).toContain(value);
}

beforeAll(async () => {
  [key, late] = await Promise.all([makeKey('key-r'), makeKey('key-late')]);
  h = await startHarness('21300-21399', { TRIBUTARY_AGENT_POLL_WAIT_MS: '2000' });
  h.cp.setPool(
    poolSpec(ID, {
      brokers: 2,
      credentials: [key.credential],
      acls: [allow(key.principal, 'TOPIC', '*'), allow(late.principal, 'TOPIC', '*')],
      topics: [{ name: 'events', state: 'PRESENT', partitions: 1, configs: {} }],
    }),
  );
  await h.cp.waitFor(ID, (o) => o.phase === 'RUNNING' && o.observedGeneration === 1, 30_000);
  pool = await poolAccess(h.tmp.path, ID);
}, 60_000);

afterAll(async () => {
  expect(h.cp.protocolErrors).toEqual([]);
  await h?.close();
});

describe('agent resilience', () => {
  it('serves on both brokers with the pushed key and topic', async () => {
    await roundTrip(0, 'hello-0');
    await roundTrip(1, 'hello-1');
  });

  it('restarts a broker killed with SIGKILL; the pool is RUNNING again', async () => {
    const [first, second] = await pids();
    process.kill(second, 'SIGKILL');
    await h.cp.waitFor(ID, (o) => o.phase === 'DEGRADED', 10_000);
    const obs = await h.cp.waitFor(
      ID,
      (o) => o.phase === 'RUNNING' && o.brokers[1].restarts === 1,
      15_000,
    );
    expect(obs.brokers[1].lastError).toMatch(/SIGKILL/);
    const [firstNow, secondNow] = await pids();
    expect(firstNow).toBe(first);
    expect(secondNow).not.toBe(second);
    await roundTrip(1, 'after-crash');
  });

  it('restarting the agent changes nothing that runs', async () => {
    const before = await pids();
    const observedBefore = h.cp.observed.length;
    await h.restartAgent('kill');
    await waitUntil('a report from the new agent', () => h.cp.observed.length > observedBefore);
    const obs = await h.cp.waitFor(ID, (o) => o.phase === 'RUNNING');
    expect(await pids()).toEqual(before);
    expect(before.every(pidAlive)).toBe(true);
    // The new agent counts restarts from its own start: none happened.
    expect(obs.brokers.map((b) => b.restarts)).toEqual([0, 0]);
    expect(h.agent.output()).toMatch(/adopted broker 0/);
    expect(h.agent.output()).toMatch(/adopted broker 1/);
    expect(h.agent.output()).not.toMatch(/started broker/);
  });

  it('with the control plane down the brokers keep serving; the agent catches up later', async () => {
    const before = await pids();
    await h.cp.down();
    // Down across an agent restart too.
    await h.restartAgent('stop');
    await roundTrip(0, 'cp-down-0');
    await roundTrip(1, 'cp-down-1');
    h.cp.update(ID, (s) => ({ credentials: [...s.credentials, late.credential] }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await pids()).toEqual(before);
    const reports = h.cp.observed.length;
    await h.cp.up();
    const obs = await h.cp.waitFor(
      ID,
      (o) =>
        o.observedGeneration === h.cp.spec(ID).generation && o.credentials.includes('key-late'),
      15_000,
    );
    expect(h.cp.observed.length).toBeGreaterThan(reports);
    expect(obs.phase).toBe('RUNNING');
    await roundTrip(1, 'caught-up', late);
    expect(await pids()).toEqual(before);
  });

  it('a DELETED pool leaves no process and no data behind', async () => {
    const running = await pids();
    h.cp.update(ID, () => ({ state: 'DELETED' }));
    const obs = await h.cp.waitFor(
      ID,
      (o) => o.phase === 'DELETED' && o.observedGeneration === h.cp.spec(ID).generation,
      20_000,
    );
    expect(obs.brokers).toEqual([]);
    expect(running.some(pidAlive)).toBe(false);
    await expect(stat(pool.dir)).rejects.toThrow(/ENOENT/);
  });
});
