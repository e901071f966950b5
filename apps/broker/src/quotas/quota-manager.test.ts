import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../server/connection-info.js';
import { ConnectionRegistry } from '../server/connection-registry.js';
import type { Logger } from '../logger.js';
import { ConnectionLimits } from './connection-limits.js';
import { type Limits, parseLimits } from './limits.js';
import { QuotaManager } from './quota-manager.js';
import { topicPolicy } from './topic-policy.js';

const SETTINGS = { window: { samples: 11, sampleMs: 1000 }, maxThrottleMs: 5000 };

function limits(doc: unknown): Limits {
  const r = parseLimits(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.limits;
}

async function manager(doc: unknown): Promise<QuotaManager> {
  const qm = new QuotaManager(SETTINGS);
  await qm.replace(limits(doc));
  return qm;
}

const alice = { principal: 'User:alice', clientId: 'app' };
const bob = { principal: 'User:bob', clientId: 'app' };

describe('QuotaManager', () => {
  it('throttles by the amount that brings the rate back to the quota', async () => {
    const qm = await manager({
      quotas: [{ entity: { user: 'alice' }, produceBytesPerSecond: 1000 }],
    });
    expect(qm.recordProduce(alice, 1000, 0)).toBe(0);
    // 3000 bytes over a 1 s window: (3000 - 1000) / 1000 × 1000 ms.
    expect(qm.recordProduce(alice, 2000, 0)).toBe(2000);
    expect(qm.recordProduce(bob, 100_000, 0)).toBe(0); // no quota for bob
    // Capped at the maximum throttle.
    expect(qm.recordProduce(alice, 100_000, 10)).toBe(5000);
  });

  it('adds the pool-wide ceiling on top of client quotas, per direction', async () => {
    const qm = await manager({
      cluster: { produceBytesPerSecond: 1500, fetchBytesPerSecond: 10_000 },
    });
    expect(qm.recordProduce(alice, 1000, 0)).toBe(0);
    expect(qm.recordProduce(bob, 1000, 0)).toBe(333); // together over the pool's 1500/s
    expect(qm.recordFetch(bob, 1000, 0)).toBe(0);
  });

  it('answers fetches already over quota empty, and caps a fetch at one sample of quota', async () => {
    const qm = await manager({
      cluster: { fetchBytesPerSecond: 50_000 },
      quotas: [{ entity: { clientId: 'app' }, fetchBytesPerSecond: 4000 }],
    });
    expect(qm.fetchByteCap(alice)).toBe(4000);
    expect(qm.fetchByteCap({ principal: 'User:x', clientId: 'other' })).toBe(50_000);
    expect(qm.fetchThrottle(alice, 0)).toBe(0);
    expect(qm.recordFetch(alice, 8000, 0)).toBe(1000);
    // Within the first sample the window stays one sample long: still 8000/s.
    expect(qm.fetchThrottle(alice, 500)).toBe(1000);
    expect(qm.fetchThrottle(alice, 2000)).toBe(0);
  });

  it('counts requests against a request-rate quota', async () => {
    const qm = await manager({ quotas: [{ entity: { user: '<default>' }, requestsPerSecond: 2 }] });
    expect(qm.recordRequest(alice, 0)).toBe(0);
    expect(qm.recordRequest(alice, 0)).toBe(0);
    expect(qm.recordRequest(alice, 0)).toBe(500);
    expect(qm.recordRequest(bob, 0)).toBe(0); // its own sensor under the default
  });

  it('persists before applying, one replacement at a time', async () => {
    const saved: Limits[] = [];
    const qm = new QuotaManager(SETTINGS, async (l) => {
      await new Promise((r) => setTimeout(r, 5));
      saved.push(l);
    });
    const a = limits({ cluster: { maxPartitions: 1 } });
    const b = limits({ cluster: { maxPartitions: 2 } });
    await Promise.all([qm.replace(a), qm.replace(b)]);
    expect(saved).toEqual([a, b]);
    expect(qm.maxPartitions).toBe(2);
    const failing = new QuotaManager(SETTINGS, async () => {
      throw new Error('disk full');
    });
    await expect(failing.replace(a)).rejects.toThrow('disk full');
    expect(failing.maxPartitions).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('topicPolicy', () => {
  it('refuses partitions over the ceiling and max.message.bytes over the plan', async () => {
    const policy = topicPolicy(
      await manager({ cluster: { maxPartitions: 10, maxMessageBytes: 5000 } }),
    );
    expect(policy.partitionsProblem(8, 2)).toBeNull();
    expect(policy.partitionsProblem(8, 3)).toMatch(/partition limit of 10/);
    expect(policy.configsProblem(new Map([['max.message.bytes', '5000']]), new Map())).toBeNull();
    expect(policy.configsProblem(new Map([['max.message.bytes', '5001']]), new Map())).toMatch(
      /exceeds the cluster's limit of 5000/,
    );
    // An unchanged (older, larger) value does not block other changes.
    const current = new Map([['max.message.bytes', '9000']]);
    expect(policy.configsProblem(new Map(current), current)).toBeNull();
  });
});

describe('ConnectionLimits', () => {
  const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} };
  const conn = (id: number, principal: string, authenticated = true): ConnectionInfo =>
    ({
      id,
      principal,
      authenticated,
      remoteAddress: '127.0.0.1',
      remotePort: id,
    }) as ConnectionInfo;

  it('admits up to the pool limit and the per-principal limit', async () => {
    const qm = await manager({
      cluster: { maxConnections: 3 },
      quotas: [
        { entity: { user: '<default>' }, maxConnections: 2 },
        { entity: { user: 'big' }, maxConnections: 3 },
      ],
    });
    const registry = new ConnectionRegistry();
    const gate = new ConnectionLimits(qm, registry, quiet);
    // As the server does: register, ask, close (unregister) when refused.
    const open = (info: ConnectionInfo): boolean => {
      const live = { info, close: () => undefined };
      registry.add(live);
      const admitted = gate.admit(info);
      if (!admitted) registry.remove(live);
      return admitted;
    };
    expect(open(conn(1, 'User:a'))).toBe(true);
    expect(open(conn(2, 'User:a'))).toBe(true);
    expect(open(conn(3, 'User:a'))).toBe(false); // a third for User:a
    // Before SASL authentication only the pool limit applies.
    expect(open(conn(4, 'User:a', false))).toBe(true);
    expect(open(conn(5, 'User:big'))).toBe(false); // the pool is full
    expect(registry.size).toBe(3);
    // Asking again for a registered connection counts the others only.
    expect(gate.admit(conn(4, 'User:big'))).toBe(true);
  });
});
