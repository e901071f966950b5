/**
 * Usage is forwarded exactly once across an agent restart (kill -9) and a broker restart:
 * kcat produces in five rounds around both restarts; at the end, the sum of the deltas the
 * control plane derives from the samples it stored (one per cluster/broker/incarnation/
 * sequence) equals the record-batch bytes the broker's log files hold — nothing lost, nothing
 * counted twice — and it stays equal while the agent keeps collecting. The ended incarnation
 * arrives as its closing sample and is then acknowledged on the broker.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { kcatProduce } from '@tributary/testing';
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

const ID = 'lkc-metered';
let h: AgentHarness;
let pool: PoolAccess;
let key: TestKey;

/** Bytes of every segment file of the topic: what the broker appended (no retention ran). */
async function loggedBytes(): Promise<number> {
  const dir = join(pool.dir, 'broker-0', 'logs', 'metered-0');
  let total = 0;
  for (const f of await readdir(dir))
    if (f.endsWith('.log')) total += (await stat(join(dir, f))).size;
  return total;
}

async function produce(round: number): Promise<void> {
  const messages = Array.from({ length: 40 }, (_, i) => ({
    value: `round ${round} message ${i} ${'x'.repeat(i * 7)}`,
  }));
  await kcatProduce(
    { bootstrap: pool.brokers[0].bootstrap, topic: 'metered', security: plain(key) },
    messages,
  );
}

beforeAll(async () => {
  key = await makeKey('key-m');
  h = await startHarness('21400-21499', { TRIBUTARY_AGENT_USAGE_INTERVAL_MS: '300' });
  h.cp.setPool(
    poolSpec(ID, {
      credentials: [key.credential],
      acls: [allow(key.principal, 'TOPIC', 'metered')],
      topics: [{ name: 'metered', state: 'PRESENT', partitions: 1, configs: {} }],
      brokerConfig: { ...poolSpec(ID).brokerConfig, 'usage.flush.interval.ms': '200' },
    }),
  );
  await h.cp.waitFor(ID, (o) => o.phase === 'RUNNING' && o.observedGeneration === 1, 30_000);
  pool = await poolAccess(h.tmp.path, ID);
}, 60_000);

afterAll(async () => {
  expect(h.cp.protocolErrors).toEqual([]);
  await h?.close();
});

describe('usage forwarding', () => {
  it('reports every produced byte exactly once across agent and broker restarts', async () => {
    await produce(1);
    await waitUntil('first usage with bytes', () => h.cp.summedDeltas(ID, 'bytesIn') > 0, 10_000);

    await h.agent.kill();
    await produce(2);
    await h.restartAgent('kill');
    await produce(3);
    const sofar = await loggedBytes();
    await waitUntil(
      'rounds 1-3 reported',
      () => h.cp.summedDeltas(ID, 'bytesIn') === sofar,
      10_000,
    );

    // A clean broker restart with bytes no read has seen: the agent is frozen (SIGSTOP) just
    // after it delivered a read (inside the control plane's answer to it), round 4 is produced
    // and the broker stops (SIGTERM saves its final counters under that read's sequence);
    // thawed, the agent starts the broker again and must forward the closing counters.
    const pid = await pool.brokers[0].pid();
    const frozen = new Promise<void>((resolve) => {
      h.cp.onUsageStored = () => {
        h.cp.onUsageStored = null;
        process.kill(h.agent.pid, 'SIGSTOP');
        resolve();
      };
    });
    await frozen;
    try {
      await produce(4);
      process.kill(pid, 'SIGTERM');
      await waitUntil('broker stopped', () => !pidAlive(pid), 15_000);
    } finally {
      process.kill(h.agent.pid, 'SIGCONT');
    }
    await waitUntil('broker restarted', async () => (await pool.brokers[0].pid()) !== pid, 15_000);
    await h.cp.waitFor(ID, (o) => o.phase === 'RUNNING' && o.brokers[0].restarts === 1, 15_000);
    await produce(5);

    const expected = await loggedBytes();
    expect(expected).toBeGreaterThan(5 * 40 * 20);
    await waitUntil(
      'all bytes reported',
      () => h.cp.summedDeltas(ID, 'bytesIn') === expected,
      15_000,
    );
    // Still exact after more collection rounds (nothing counted twice later).
    const posts = h.cp.usagePosts;
    await waitUntil('more usage rounds', () => h.cp.usagePosts >= posts + 3, 10_000);
    expect(h.cp.summedDeltas(ID, 'bytesIn')).toBe(expected);
    expect(h.cp.conflictingDuplicates).toEqual([]);
    console.log(
      `usage: ${expected} bytes appended to the log, ${h.cp.summedDeltas(ID, 'bytesIn')} reported; ${h.cp.samples.size} samples stored over ${h.cp.usagePosts} posts`,
    );

    // Two incarnations; the first one's closing sample is final, and the broker forgot it.
    const samples = [...h.cp.samples.values()];
    const incarnations = new Set(samples.map((s) => s.incarnation));
    expect(incarnations.size).toBe(2);
    const closing = samples.filter((s) => s.usage.closing === true);
    expect(closing).toHaveLength(1);
    expect(closing[0].usage.final).toBe(true);
    const usage = (await (await pool.admin(0, 'GET', '/v1/usage')).json()) as {
      previous: unknown[];
    };
    expect(usage.previous).toEqual([]);
  });
});
