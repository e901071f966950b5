/**
 * Applies an agent's observed state: stores the latest observation per pool and moves
 * statuses — cluster RUNNING once the pool runs the spec's pool generation, DELETED once the
 * pool is gone, FAILED with the agent's message; API keys READY once in force (deleted keys
 * vanish once the pool no longer has them); topics READY / FAILED / removed.
 */
import type { ObservedState, PoolObservation } from '@tributary/contracts';
import { asClusterId, asOrgId, type Db, type Prisma, type Tx as OpaqueTx } from '@tributary/db';
import type { DeletionHooks } from '../../platform/deletion-hooks.js';

export async function applyObservedState(
  db: Db,
  agentId: string,
  state: ObservedState,
  hooks: DeletionHooks,
): Promise<void> {
  await db.agent.update({
    where: { id: agentId },
    data: { lastSeenAt: new Date(), agentVersion: state.agentVersion.slice(0, 100) },
  });
  for (const pool of state.pools) {
    await db.$transaction(async (tx) => {
      const cluster = await tx.kafkaCluster.findUnique({ where: { id: pool.clusterId } });
      if (!cluster || cluster.agentId !== agentId) return; // not this agent's pool: ignore
      const document = pool as unknown as Prisma.InputJsonObject;
      await tx.poolObservation.upsert({
        where: { clusterId: pool.clusterId },
        create: {
          clusterId: pool.clusterId,
          agentId,
          observedGeneration: pool.observedGeneration,
          phase: pool.phase,
          document,
          observedAt: new Date(pool.observedAt),
        },
        update: {
          agentId,
          observedGeneration: pool.observedGeneration,
          phase: pool.phase,
          document,
          observedAt: new Date(pool.observedAt),
        },
      });
      const deleted = await applyClusterStatus(tx, cluster, pool);
      // The pool is gone: what other contexts keep for the cluster (keys, topics, ACLs) goes.
      if (deleted)
        await hooks.cascade(
          'cluster',
          { orgId: asOrgId(cluster.orgId), clusterId: asClusterId(cluster.id) },
          tx as unknown as OpaqueTx,
        );
      await applyKeys(tx, pool);
      await applyTopics(tx, pool);
    });
  }
}

type Tx = Prisma.TransactionClient;
type Cluster = NonNullable<Awaited<ReturnType<Tx['kafkaCluster']['findUnique']>>>;

async function finishOperation(
  tx: Tx,
  clusterId: string,
  kind: string,
  ok: boolean,
  error: string | null,
) {
  await tx.operation.updateMany({
    where: { targetId: clusterId, kind, status: { in: ['PENDING', 'RUNNING'] } },
    data: { status: ok ? 'SUCCEEDED' : 'FAILED', error },
  });
}

/** Moves the cluster's status; true when it became DELETED. */
async function applyClusterStatus(tx: Tx, c: Cluster, pool: PoolObservation): Promise<boolean> {
  let deleted = false;
  const data: Prisma.KafkaClusterUpdateInput = {
    observedGeneration: pool.observedGeneration,
    // A broker restarting makes the agent report no endpoint for a moment; clients keep the
    // last known one (it does not change: ports are the pool's).
    bootstrap: pool.bootstrap ?? c.bootstrap,
  };
  const caughtUp = pool.observedGeneration >= c.poolGeneration;
  if (c.status === 'DELETING') {
    if (pool.phase === 'DELETED' && caughtUp) {
      Object.assign(data, {
        status: 'DELETED',
        liveName: null,
        bootstrap: null,
        statusReason: null,
        version: { increment: 1 },
      });
      await finishOperation(tx, c.id, 'cluster.delete', true, null);
      deleted = true;
    }
  } else if (c.status !== 'DELETED') {
    if (pool.phase === 'FAILED') {
      Object.assign(data, {
        status: 'FAILED',
        statusReason: pool.message ?? 'the pool failed',
        version: { increment: 1 },
      });
      await finishOperation(tx, c.id, 'cluster.create', false, pool.message ?? 'the pool failed');
    } else if (pool.phase === 'RUNNING' && caughtUp && c.status !== 'RUNNING') {
      Object.assign(data, { status: 'RUNNING', statusReason: null, version: { increment: 1 } });
      await finishOperation(tx, c.id, 'cluster.create', true, null);
    } else if (pool.phase === 'DEGRADED' && c.status === 'RUNNING') {
      data.statusReason = pool.message ?? 'degraded';
    } else if (pool.phase === 'RUNNING' && c.status === 'RUNNING' && c.statusReason !== null) {
      // Back from DEGRADED without leaving RUNNING: the reason no longer holds.
      data.statusReason = null;
    }
  }
  await tx.kafkaCluster.update({ where: { id: c.id }, data });
  return deleted;
}

async function applyKeys(tx: Tx, pool: PoolObservation) {
  const inForce = new Set(pool.credentials);
  const keys = await tx.clusterApiKey.findMany({
    where: { clusterId: pool.clusterId },
    select: { id: true, status: true },
  });
  for (const k of keys) {
    if (k.status === 'PROVISIONING' && inForce.has(k.id)) {
      await tx.clusterApiKey.update({ where: { id: k.id }, data: { status: 'READY' } });
    } else if (k.status === 'DELETING' && !inForce.has(k.id)) {
      await tx.clusterApiKey.delete({ where: { id: k.id } });
    }
  }
}

async function applyTopics(tx: Tx, pool: PoolObservation) {
  const observed = new Map(pool.topics.map((t) => [t.name, t]));
  const errors = new Map(pool.topicErrors.map((e) => [e.name, e.error]));
  const topics = await tx.topic.findMany({ where: { clusterId: pool.clusterId } });
  for (const t of topics) {
    const o = observed.get(t.name);
    if (t.status === 'DELETING') {
      if (!o && !errors.has(t.name)) await tx.topic.delete({ where: { id: t.id } });
    } else if (errors.has(t.name)) {
      await tx.topic.update({
        where: { id: t.id },
        data: { status: 'FAILED', statusReason: errors.get(t.name) ?? null },
      });
    } else if (
      o &&
      o.partitions >= t.partitions &&
      configsApplied(t.configs, o.configs) &&
      t.status !== 'READY'
    ) {
      await tx.topic.update({ where: { id: t.id }, data: { status: 'READY', statusReason: null } });
    }
  }
}

function configsApplied(desired: unknown, observed: Record<string, string>): boolean {
  return Object.entries((desired ?? {}) as Record<string, string>).every(
    ([k, v]) => observed[k] === v,
  );
}
