/**
 * What runs keeps running, seen through the REST API and a Kafka client only:
 * - a broker killed with SIGKILL is restarted by the agent and the cluster is RUNNING again
 *   (and then carries no stale status reason), serving the same key and data;
 * - restarting the control-plane API and the agent (SIGTERM, and the agent also SIGKILL)
 *   changes nothing that runs: same broker pids, and a producer sending all along loses
 *   nothing and sees no error.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import {
  type ClusterKey,
  createCluster,
  createEnvironment,
  createKeyWithAcls,
  createTopic,
  kcatConsume,
  pidAlive,
  type PlatformClient,
  produceUntilAccepted,
  runningBrokerPids,
  saslPlain,
  startPlatform,
  type TestPlatform,
  waitForCluster,
  waitUntil,
} from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let p: TestPlatform;
let client: PlatformClient;
let orgId: string;
let clusterId: string;
let bootstrap: string;
let key: ClusterKey;

beforeAll(async () => {
  p = await startPlatform();
  const u = await p.signUp();
  client = u.client;
  orgId = u.orgId;
  const env = await createEnvironment(client, orgId);
  clusterId = (await createCluster(client, env, 'resilient')).id;
  bootstrap = (await waitForCluster(client, clusterId)).bootstrap_endpoint;
  key = await createKeyWithAcls(client, orgId, clusterId, 'events');
  await createTopic(client, clusterId, 'events', 1);
}, 120_000);

afterAll(async () => {
  await p?.dispose();
}, 60_000);

const cluster = () => client.get(`/v1/kafka/clusters/${clusterId}`);

describe('data plane resilience', () => {
  it('a broker killed with SIGKILL is restarted and the cluster is RUNNING again', async () => {
    await produceUntilAccepted(bootstrap, 'events', key, 'before the crash');
    const [before] = await runningBrokerPids(p, clusterId, 1);
    process.kill(before, 'SIGKILL');
    const [after] = await waitUntil(
      'a new broker process',
      async () => {
        const pids = await runningBrokerPids(p, clusterId, 1);
        return pids[0] !== before ? pids : undefined;
      },
      30_000,
    );
    expect(pidAlive(before)).toBe(false);
    expect(after).not.toBe(before);
    const back = await waitUntil(
      'the cluster RUNNING with its endpoint',
      async () => {
        // bootstrap_endpoint is null while the agent reports the broker down.
        const c = await cluster();
        return c.status === 'RUNNING' && c.bootstrap_endpoint !== null ? c : undefined;
      },
      30_000,
    );
    expect(back.bootstrap_endpoint).toBe(bootstrap);
    await produceUntilAccepted(bootstrap, 'events', key, 'after the crash');
    const values = (
      await kcatConsume({ bootstrap, topic: 'events', security: saslPlain(key) })
    ).map((r) => r.value?.toString());
    expect(values).toEqual(expect.arrayContaining(['before the crash', 'after the crash']));
  });

  // The control plane sets status_reason while the pool is DEGRADED; a cluster that stayed
  // RUNNING must lose it once the pool is RUNNING again (this failed before eea09f5).
  it('once the broker is back, the cluster has no status reason left', async () => {
    await waitUntil(
      'status_reason null',
      async () => (await cluster()).status_reason === null,
      10_000,
    ).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}; cluster: ${JSON.stringify(await cluster())}`);
    });
  });

  it('restarting the API and the agent changes nothing that runs', async () => {
    const pidsBefore = await runningBrokerPids(p, clusterId, 1);
    const kafka = new Kafka({
      clientId: 'e2e-resilience',
      brokers: [bootstrap],
      sasl: { mechanism: 'plain', username: key.id, password: key.secret },
      logLevel: logLevel.NOTHING,
    });
    const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sent: string[] = [];
    const errors: string[] = [];
    let slowest = 0;
    let sending = true;
    const loop = (async () => {
      for (let i = 0; sending; i++) {
        const value = `steady-${i}`;
        const start = performance.now();
        try {
          await producer.send({ topic: 'events', acks: -1, messages: [{ value }] });
          sent.push(value);
        } catch (e) {
          errors.push(`${value}: ${(e as Error).message}`);
        }
        slowest = Math.max(slowest, performance.now() - start);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 500));
      await p.restart('api', 'stop');
      await p.restart('agent', 'stop');
      await p.restart('agent', 'kill');
      await p.restart('api', 'kill');
      // Let the new agent resync (every second here) and report a few times.
      await new Promise((r) => setTimeout(r, 4_000));
    } finally {
      sending = false;
      await loop;
      await producer.disconnect();
    }
    expect(errors).toEqual([]);
    expect(sent.length).toBeGreaterThan(50);
    console.log(
      `produced ${sent.length} records across API and agent restarts; slowest send ${Math.round(slowest)} ms`,
    );
    expect(await runningBrokerPids(p, clusterId, 1)).toEqual(pidsBefore);
    expect([...(await p.brokerProcesses()).keys()]).toEqual(pidsBefore);
    const c = await cluster();
    expect(c).toMatchObject({ status: 'RUNNING', bootstrap_endpoint: bootstrap });
    const values = new Set(
      (await kcatConsume({ bootstrap, topic: 'events', security: saslPlain(key) })).map((r) =>
        r.value?.toString(),
      ),
    );
    expect(sent.filter((v) => !values.has(v))).toEqual([]);
    // The restarted agent still applies changes: a new key works.
    const fresh = await createKeyWithAcls(client, orgId, clusterId, 'events', 'after-restarts');
    await produceUntilAccepted(bootstrap, 'events', fresh, 'with a key made after the restarts');
  }, 90_000);
});
