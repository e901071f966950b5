/**
 * The self-service flow end to end, with only HTTP and Kafka clients against the whole
 * platform (real PostgreSQL, Redis, API, worker, agent and broker processes): sign up →
 * environment → basic cluster polled until RUNNING → service account, ACLs, API key polled
 * until READY → topic through the REST API → produce and consume with kcat over SASL → the
 * deleted key is refused → the deleted cluster leaves no process and no data. Prints timings.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ClusterKey,
  createCluster,
  createEnvironment,
  createKeyWithAcls,
  createTopic,
  kcatConsume,
  kcatProduce,
  pidAlive,
  ProcessError,
  runningBrokerPids,
  saslPlain,
  startPlatform,
  waitForStatus,
  type TestPlatform,
  waitForCluster,
  waitUntil,
} from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let p: TestPlatform;
const timings: [string, number][] = [];
const t0 = Date.now();
async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await work();
  timings.push([step, Math.round(performance.now() - start)]);
  return out;
}

beforeAll(async () => {
  p = await timed('platform start (pg, redis, api, worker, agent)', () => startPlatform());
}, 90_000);

afterAll(async () => {
  await p?.dispose();
  if (timings.length) {
    console.log(
      `platform flow timings (ms):\n${timings.map(([s, ms]) => `  ${String(ms).padStart(6)}  ${s}`).join('\n')}\n  total ${Date.now() - t0} ms`,
    );
  }
}, 60_000);

describe('self-service flow over HTTP and Kafka only', () => {
  let client: TestPlatform['client'] extends () => infer C ? C : never;
  let orgId: string;
  let clusterId: string;
  let bootstrap: string;
  let key: ClusterKey;
  let brokerPids: number[];
  let createOperation: string;

  it('signs up and creates an environment', async () => {
    const u = await timed('sign up', () => p.signUp({ name: 'Ada' }));
    client = u.client;
    orgId = u.orgId;
    const session = await client.get('/v1/auth/session');
    expect(session.organizations).toEqual([
      expect.objectContaining({ id: orgId, role: 'OrgAdmin' }),
    ]);
    const envId = await timed('create environment', () => createEnvironment(client, orgId));
    const cluster = await timed('create cluster (POST 202)', () =>
      createCluster(client, envId, 'orders'),
    );
    expect(cluster).toMatchObject({ status: 'PROVISIONING', plan: 'basic', brokers: 1 });
    clusterId = cluster.id;
    createOperation = cluster.operation_id;
  });

  it('the basic cluster becomes RUNNING with one broker process', async () => {
    const running = await timed('cluster PROVISIONING -> RUNNING', () =>
      waitForCluster(client, clusterId),
    );
    expect(running.bootstrap_endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    bootstrap = running.bootstrap_endpoint;
    brokerPids = await runningBrokerPids(p, clusterId, 1);
    expect(await p.pools()).toEqual([clusterId]);
    expect(await client.get(`/v1/operations/${createOperation}`)).toMatchObject({
      kind: 'cluster.create',
      status: 'SUCCEEDED',
    });
  });

  it('a service account with ACLs gets an API key that becomes READY', async () => {
    key = await timed('service account + 2 ACLs + API key READY', () =>
      createKeyWithAcls(client, orgId, clusterId, 'orders'),
    );
    expect(key.secret.length).toBeGreaterThanOrEqual(32);
    const listed = await client.get(`/v1/api-keys?cluster_id=${clusterId}`);
    expect(listed.data).toEqual([expect.objectContaining({ id: key.id, status: 'READY' })]);
    expect(JSON.stringify(listed)).not.toContain(key.secret);
  });

  it('produces and consumes with kcat over SASL with that key', async () => {
    const topic = await timed('topic through REST until READY', () =>
      createTopic(client, clusterId, 'orders.created', 2),
    );
    expect(topic).toMatchObject({ managed: true, partitions: 2 });
    const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `order-${i}` }));
    await timed('kcat produce 20 records', () =>
      kcatProduce({ bootstrap, topic: 'orders.created', security: saslPlain(key) }, messages),
    );
    const got = await timed('kcat consume them', () =>
      kcatConsume({ bootstrap, topic: 'orders.created', security: saslPlain(key) }),
    );
    expect(got.map((r) => r.value?.toString()).sort()).toEqual(messages.map((m) => m.value).sort());
    // The ACLs hold: a topic outside the prefix is refused.
    await expect(
      kcatProduce(
        {
          bootstrap,
          topic: 'payments',
          security: saslPlain(key),
          timeoutMs: 20_000,
          properties: { 'message.timeout.ms': '3000' },
        },
        [{ value: 'x' }],
      ),
    ).rejects.toThrow(/authoriz|Authoriz|not available/);
  });

  it('a region without S3 keeps topics local and refuses a tiered topic with the reason', async () => {
    // The basic plan tiers new topics by default, but this agent has no S3: the default does
    // nothing (the topic above has no remote.storage.enable) and asking for it is refused.
    const orders = await client.get(`/v1/kafka/clusters/${clusterId}/topics/orders.created`);
    expect(orders.observed.configs['remote.storage.enable'] ?? 'false').toBe('false');
    await client.post(`/v1/kafka/clusters/${clusterId}/topics`, {
      name: 'orders.archive',
      partitions: 1,
      configs: { 'remote.storage.enable': 'true' },
    });
    const failed = await waitForStatus(
      client,
      `/v1/kafka/clusters/${clusterId}/topics/orders.archive`,
      'FAILED',
      { timeoutMs: 15_000, intervalMs: 50, failOn: [] },
    );
    expect(failed.status_reason).toMatch(/Tiered Storage functionality is disabled in the broker/);
  });

  it('a deleted key is refused by the brokers', async () => {
    const answer = await client.ok('DELETE', `/v1/api-keys/${key.id}`, undefined, 202);
    expect(answer.status).toBe('DELETING');
    await timed('key DELETE -> gone (404)', () =>
      waitUntil(
        'the key to be gone',
        async () => (await client.call('GET', `/v1/api-keys/${key.id}`)).status === 404,
        10_000,
        25,
      ),
    );
    const refused = await kcatProduce(
      {
        bootstrap,
        topic: 'orders.created',
        security: saslPlain(key),
        timeoutMs: 20_000,
        properties: { 'message.timeout.ms': '3000' },
      },
      [{ value: 'after delete' }],
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ProcessError);
    expect((refused as ProcessError).result.stderr).toMatch(/Authentication failed|SASL/i);
  });

  it('deleting the cluster stops its brokers and removes its data', async () => {
    const poolDir = join(p.dataRoot, 'pools', clusterId);
    expect(existsSync(poolDir)).toBe(true);
    const answer = await client.ok('DELETE', `/v1/kafka/clusters/${clusterId}`, undefined, 202);
    expect(answer.status).toBe('DELETING');
    await timed('cluster DELETE -> gone (404)', () =>
      waitUntil(
        'the cluster to be gone',
        async () => (await client.call('GET', `/v1/kafka/clusters/${clusterId}`)).status === 404,
        30_000,
        50,
      ),
    );
    expect(brokerPids.filter(pidAlive)).toEqual([]);
    expect(existsSync(poolDir)).toBe(false);
    expect(await p.brokerProcesses()).toEqual(new Map());
    expect(await client.get(`/v1/operations/${answer.operation_id}`)).toMatchObject({
      kind: 'cluster.delete',
      status: 'SUCCEEDED',
    });
  });

  // A regression guard: the API's SIGTERM handler closes the Nest app, which waits for
  // in-flight requests; the agent's desired-state long-poll must end at shutdown
  // (GetDesiredStateUseCase) and its connection close, or the API would never exit while an
  // agent is connected.
  it('the API exits promptly on SIGTERM while the agent long-polls', async () => {
    await new Promise((r) => setTimeout(r, 1_000)); // the agent is inside a long-poll now
    const start = performance.now();
    const exit = await p.process('api').stop(30_000);
    const ms = performance.now() - start;
    await p.start('api');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(5_000);
  }, 60_000);
});
