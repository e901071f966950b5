/**
 * Steps of the self-service flow as a customer takes them, over HTTP only: an environment,
 * a basic cluster polled until RUNNING, a service account with an ACL, a cluster API key
 * polled until READY. Shared by the end-to-end tests (e2e/) and the platform benchmark.
 */
import { kcatProduce } from './kcat.js';
import { waitForStatus, waitUntil, type Json, type PlatformClient } from './platform-client.js';
import { saslPlain } from './platform.js';

export interface ClusterKey {
  id: string;
  secret: string;
  serviceAccountId: string;
}

export async function createEnvironment(
  client: PlatformClient,
  orgId: string,
  name = 'dev',
): Promise<string> {
  const env = await client.post('/v1/environments', { organization_id: orgId, name });
  return env.id as string;
}

/** POST /v1/kafka/clusters; returns the 202 answer (status PROVISIONING). */
export function createCluster(
  client: PlatformClient,
  environmentId: string,
  name: string,
): Promise<Json> {
  return client.ok('POST', '/v1/kafka/clusters', {
    environment_id: environmentId,
    name,
    plan: 'basic',
  });
}

export function waitForCluster(
  client: PlatformClient,
  clusterId: string,
  status = 'RUNNING',
  timeoutMs = 60_000,
): Promise<Json> {
  return waitForStatus(client, `/v1/kafka/clusters/${clusterId}`, status, {
    timeoutMs,
    intervalMs: 50,
  });
}

/**
 * A service account allowed everything on topics starting with `topicPrefix` (and consumer
 * groups of the same prefix), and an API key it owns, polled until READY.
 */
export async function createKeyWithAcls(
  client: PlatformClient,
  orgId: string,
  clusterId: string,
  topicPrefix: string,
  saName = `app-${clusterId}`,
): Promise<ClusterKey> {
  const sa = await client.post('/v1/service-accounts', { organization_id: orgId, name: saName });
  for (const resource_type of ['TOPIC', 'GROUP'])
    await client.post(`/v1/kafka/clusters/${clusterId}/acls`, {
      resource_type,
      resource_name: topicPrefix,
      pattern_type: 'PREFIXED',
      principal: sa.principal,
      operation: 'ALL',
      permission: 'ALLOW',
    });
  const key = await client.post('/v1/api-keys', {
    cluster_id: clusterId,
    owner: { kind: 'service_account', id: sa.id },
    description: 'e2e',
  });
  await waitForStatus(client, `/v1/api-keys/${key.id}`, 'READY', {
    timeoutMs: 10_000,
    intervalMs: 25,
  });
  return { id: key.id, secret: key.secret, serviceAccountId: sa.id };
}

/**
 * Creates a topic through the REST API (with topic `configs`, if given) and waits until the
 * pool has it (status READY).
 */
export async function createTopic(
  client: PlatformClient,
  clusterId: string,
  name: string,
  partitions = 1,
  configs?: Record<string, string>,
): Promise<Json> {
  await client.post(`/v1/kafka/clusters/${clusterId}/topics`, {
    name,
    partitions,
    ...(configs ? { configs } : {}),
  });
  return waitForStatus(client, `/v1/kafka/clusters/${clusterId}/topics/${name}`, 'READY', {
    timeoutMs: 15_000,
    intervalMs: 50,
  });
}

/** Produces one record with kcat, retrying until it is acknowledged. */
export async function produceUntilAccepted(
  bootstrap: string,
  topic: string,
  key: ClusterKey,
  value: string,
  timeoutMs = 15_000,
): Promise<void> {
  await waitUntil(
    `a produce to ${topic} on ${bootstrap}`,
    async () => {
      await kcatProduce(
        {
          bootstrap,
          topic,
          security: saslPlain(key),
          timeoutMs: 10_000,
          properties: { 'message.timeout.ms': '5000' },
        },
        [{ value }],
      );
      return true;
    },
    timeoutMs,
    50,
  );
}
