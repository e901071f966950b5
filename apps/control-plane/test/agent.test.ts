// The agent API against a real PostgreSQL and Redis: agent-token auth, desired state with
// long-poll (wakes on a change), observed state moving cluster / API key / topic statuses,
// usage samples stored exactly once; and a worker killed in the middle of provisioning
// converging to exactly one pool spec after restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killWithParent, stopProcess } from '@tributary/testing';
import { Redis } from 'ioredis';
import { publishAgentRevision } from '../src/platform/agent-wakeups.js';
import { ProvisionClusterJob } from '../src/modules/provisioning/provision-cluster.job.js';
import { ProvisioningRepository } from '../src/modules/provisioning/provisioning.repository.js';
import {
  AGENT_TOKEN,
  Client,
  expectProblem,
  signUp,
  startPlatform,
  type Platform,
} from './harness.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let p: Platform;
let agent: Client;
beforeAll(async () => {
  p = await startPlatform();
  agent = new Client(p.baseUrl);
  agent.bearer = AGENT_TOKEN;
});
afterAll(async () => {
  await p?.stop();
});

/** The provisioning job, run in-process (as the worker would). */
const provisionCluster = (clusterId: string) =>
  new ProvisionClusterJob(new ProvisioningRepository(p.api.db)).handle({ clusterId });

async function newCluster() {
  const { client, orgId } = await signUp(p.baseUrl);
  const env = (await client.post('/v1/environments', { organization_id: orgId, name: 'e' })).body;
  const cluster = (
    await client.post('/v1/kafka/clusters', { environment_id: env.id, name: 'c', plan: 'basic' })
  ).body;
  return { client, orgId, cluster };
}

function observation(clusterId: string, generation: number, extra: Record<string, unknown> = {}) {
  return {
    clusterId,
    observedGeneration: generation,
    phase: 'RUNNING',
    message: null,
    bootstrap: '127.0.0.1:19092',
    brokers: [
      { brokerId: 0, state: 'RUNNING', restarts: 0, endpoint: '127.0.0.1:19092', lastError: null },
    ],
    credentials: [],
    topics: [],
    topicErrors: [],
    observedAt: new Date().toISOString(),
    ...extra,
  };
}

describe('agent API', () => {
  it('refuses requests without a valid agent token', async () => {
    const anon = new Client(p.baseUrl);
    expectProblem(await anon.get('/internal/agent/v1/desired-state'), 401);
    anon.bearer = 'wrong-token-wrong-token-wrong';
    expectProblem(await anon.get('/internal/agent/v1/desired-state'), 401);
  });

  it('long-polls desired state, and observed state moves the statuses', async () => {
    const { client, cluster } = await newCluster();
    await provisionCluster(cluster.id);
    const first = await agent.get('/internal/agent/v1/desired-state');
    const pool = first.body.pools.find((x: { clusterId: string }) => x.clusterId === cluster.id);
    expect(pool).toMatchObject({
      state: 'RUNNING',
      brokers: 1,
      brokerConfig: {
        'authorizer.enabled': 'true',
        // The basic plan's tiered-storage defaults (plans.ts), as broker properties.
        'default.remote.storage.enable': 'true',
        'log.segment.bytes': String(64 * 1024 * 1024),
        'log.roll.ms': '3600000',
        'log.local.retention.ms': '3600000',
        'log.local.retention.bytes': String(128 * 1024 * 1024),
      },
    });
    expect(pool.limits.cluster.maxPartitions).toBe(100);

    // Nothing changes: the poll waits out wait_ms with the same revision.
    const t0 = Date.now();
    const idle = await agent.get(
      `/internal/agent/v1/desired-state?after=${first.body.revision}&wait_ms=600`,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    expect(idle.body.revision).toBe(first.body.revision);

    // A change wakes a waiting poll at once.
    const waiting = agent.get(
      `/internal/agent/v1/desired-state?after=${first.body.revision}&wait_ms=20000`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const t1 = Date.now();
    const sa = (
      await client.post('/v1/service-accounts', {
        organization_id: cluster.organization_id,
        name: 'app',
      })
    ).body;
    const key = (
      await client.post('/v1/api-keys', {
        cluster_id: cluster.id,
        owner: { kind: 'service_account', id: sa.id },
      })
    ).body;
    const woke = await waiting;
    expect(Date.now() - t1).toBeLessThan(3000);
    expect(woke.body.revision).toBeGreaterThan(first.body.revision);
    const spec = woke.body.pools.find((x: { clusterId: string }) => x.clusterId === cluster.id);
    expect(spec.credentials).toEqual([
      expect.objectContaining({ id: key.id, principal: `User:${sa.id}` }),
    ]);
    expect(JSON.stringify(woke.body)).not.toContain(key.secret);
    expect(key.status).toBe('PROVISIONING');
    await client.post(`/v1/kafka/clusters/${cluster.id}/topics`, { name: 'orders', partitions: 2 });
    const now = (await agent.get('/internal/agent/v1/desired-state')).body.pools.find(
      (x: { clusterId: string }) => x.clusterId === cluster.id,
    );

    // Observed state: pool running the current generation, key in force, topic present.
    const put = await agent.call('PUT', '/internal/agent/v1/observed-state', {
      agentVersion: 'test',
      pools: [
        observation(cluster.id, now.generation, {
          credentials: [key.id],
          topics: [
            { name: 'orders', topicId: 't1', partitions: 2, configs: {} },
            { name: 'from-client', topicId: 't2', partitions: 1, configs: {} },
          ],
        }),
      ],
    });
    expect(put.status).toBe(204);
    const c = (await client.get(`/v1/kafka/clusters/${cluster.id}`)).body;
    expect([c.status, c.bootstrap_endpoint]).toEqual(['RUNNING', '127.0.0.1:19092']);
    expect((await client.get(`/v1/api-keys/${key.id}`)).body.status).toBe('READY');
    const topics = (await client.get(`/v1/kafka/clusters/${cluster.id}/topics`)).body.data;
    expect(
      topics.map((t: { name: string; managed: boolean; status: string }) => [
        t.name,
        t.managed,
        t.status,
      ]),
    ).toEqual([
      ['from-client', false, 'READY'],
      ['orders', true, 'READY'],
    ]);
    expect((await client.get(`/v1/operations/${cluster.operation_id}`)).body.status).toBe(
      'SUCCEEDED',
    );

    // A degraded pool keeps the cluster RUNNING with a reason, cleared once it recovers.
    const report = (extra: Record<string, unknown>) =>
      agent.call('PUT', '/internal/agent/v1/observed-state', {
        agentVersion: 'test',
        pools: [observation(cluster.id, now.generation, { credentials: [key.id], ...extra })],
      });
    await report({ phase: 'DEGRADED', message: 'broker 0 restarting' });
    const degraded = (await client.get(`/v1/kafka/clusters/${cluster.id}`)).body;
    expect([degraded.status, degraded.status_reason]).toEqual(['RUNNING', 'broker 0 restarting']);
    await report({});
    const recovered = (await client.get(`/v1/kafka/clusters/${cluster.id}`)).body;
    expect([recovered.status, recovered.status_reason]).toEqual(['RUNNING', null]);

    // A failed pool is FAILED with the agent's reason.
    await agent.call('PUT', '/internal/agent/v1/observed-state', {
      agentVersion: 'test',
      pools: [
        observation(cluster.id, now.generation, {
          phase: 'FAILED',
          message: 'broker 0 crashed 5 times',
        }),
      ],
    });
    const failed = (await client.get(`/v1/kafka/clusters/${cluster.id}`)).body;
    expect([failed.status, failed.status_reason]).toEqual(['FAILED', 'broker 0 crashed 5 times']);

    const bad = await agent.call('PUT', '/internal/agent/v1/observed-state', {
      agentVersion: 'x',
      pools: [{ clusterId: cluster.id }],
    });
    expectProblem(bad, 400);
  });

  it('wakes a long-poll for a change another process made (Redis), and re-reads as a backstop', async () => {
    const { cluster } = await newCluster();
    await provisionCluster(cluster.id);
    const { agentId } = await p.api.db.kafkaCluster.findUniqueOrThrow({
      where: { id: cluster.id },
      select: { agentId: true },
    });
    const bump = () =>
      p.api.db.agent.update({ where: { id: agentId! }, data: { revision: { increment: 1 } } });
    const other = new Redis(p.redis.url);
    try {
      // As the worker does: commit, then publish. Nothing in this process emits.
      const rev = (await agent.get('/internal/agent/v1/desired-state')).body.revision;
      const waiting = agent.get(`/internal/agent/v1/desired-state?after=${rev}&wait_ms=20000`);
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      await bump();
      publishAgentRevision(other, agentId!);
      expect((await waiting).body.revision).toBe(rev + 1);
      expect(Date.now() - t0).toBeLessThan(1000);

      // The message lost: the fallback re-read (every 5 s) still answers.
      const lost = agent.get(`/internal/agent/v1/desired-state?after=${rev + 1}&wait_ms=20000`);
      await new Promise((r) => setTimeout(r, 200));
      const t1 = Date.now();
      await bump();
      expect((await lost).body.revision).toBe(rev + 2);
      expect(Date.now() - t1).toBeLessThan(6000);
    } finally {
      other.disconnect();
    }
  });

  it('stores each usage sample once and counts duplicates', async () => {
    const { cluster } = await newCluster();
    await provisionCluster(cluster.id);
    const sample = (sequence: number) => ({
      clusterId: cluster.id,
      brokerId: 0,
      incarnation: 'inc-1',
      sequence,
      takenAt: new Date().toISOString(),
      usage: { cluster: { bytesIn: 10 * sequence } },
    });
    const a = await agent.post('/internal/agent/v1/usage', { samples: [sample(1), sample(2)] });
    expect(a.body).toEqual({ accepted: 2, duplicates: 0 });
    const b = await agent.post('/internal/agent/v1/usage', { samples: [sample(2), sample(3)] });
    expect(b.body).toEqual({ accepted: 1, duplicates: 1 });
    expect(await p.api.db.usageSample.count({ where: { clusterId: cluster.id } })).toBe(3);
    expectProblem(
      await agent.post('/internal/agent/v1/usage', {
        samples: [{ ...sample(4), clusterId: 'lkc-notmine' }],
      }),
      400,
    );
  });
});

describe('worker', () => {
  function startWorker(env: Record<string, string>): ChildProcess {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@tributary/source', 'src/worker.ts'],
      {
        cwd: appDir,
        env: { ...process.env, ...p.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    killWithParent(child);
    child.stdout?.resume();
    child.stderr?.resume();
    return child;
  }

  async function until<T>(
    what: string,
    fn: () => Promise<T | null | undefined | false>,
    ms = 30_000,
  ): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('killed in the middle of provisioning, a restarted worker converges to exactly one pool spec', async () => {
    const { cluster } = await newCluster();
    const lock = { TRIBUTARY_JOB_LOCK_MS: '2000' };
    const first = startWorker({ ...lock, TRIBUTARY_TEST_PROVISION_PAUSE_MS: '60000' });
    try {
      // The job chose the agent and is paused before writing the spec: kill it there.
      await until(
        'agent chosen',
        async () =>
          (await p.api.db.kafkaCluster.findUnique({ where: { id: cluster.id } }))?.agentId,
      );
      expect(await p.api.db.poolSpec.count({ where: { clusterId: cluster.id } })).toBe(0);
    } finally {
      await stopProcess(first, { signal: 'SIGKILL', graceMs: 5_000 });
    }
    const second = startWorker(lock);
    try {
      await until('pool spec', () =>
        p.api.db.poolSpec.findUnique({ where: { clusterId: cluster.id } }),
      );
      await new Promise((r) => setTimeout(r, 1500)); // let any duplicate run finish too
      expect(await p.api.db.poolSpec.count({ where: { clusterId: cluster.id } })).toBe(1);
      const desired = (await agent.get('/internal/agent/v1/desired-state')).body.pools.filter(
        (x: { clusterId: string }) => x.clusterId === cluster.id,
      );
      expect(desired).toHaveLength(1);
      expect(
        (await p.api.db.operation.findFirstOrThrow({ where: { targetId: cluster.id } })).status,
      ).toBe('RUNNING');
    } finally {
      await stopProcess(second, { signal: 'SIGTERM', graceMs: 10_000 });
    }
  });
});
