/**
 * Provisioning a cluster: pick an agent in the cluster's region, then write the cluster's
 * pool spec. Idempotent and safe to run again after a crash at any point: the agent choice
 * is only set when unset, the pool spec is an upsert keyed by the cluster id (one row per
 * cluster, so a retried job can never make a second pool), and the spec row, the agent
 * revision and the operation move together in one transaction.
 */
import type { Db } from '@tributary/db';
import { PLANS, poolBase } from '../clusters/plans.js';

export class NoAgentError extends Error {}

export interface ProvisionOptions {
  /** Tests only: pause between choosing the agent and writing the spec. */
  pauseMs?: number;
  log?: (line: string) => void;
}

export async function provisionCluster(
  db: Db,
  clusterId: string,
  o: ProvisionOptions = {},
): Promise<'provisioned' | 'skipped'> {
  const cluster = await db.kafkaCluster.findUnique({ where: { id: clusterId } });
  if (!cluster || cluster.status !== 'PROVISIONING') return 'skipped';
  let agentId = cluster.agentId;
  if (!agentId) {
    const agent = await db.agent.findFirst({
      where: { region: cluster.region },
      orderBy: { createdAt: 'asc' },
    });
    if (!agent) {
      await db.kafkaCluster.update({
        where: { id: clusterId },
        data: { statusReason: `waiting for an agent in region ${cluster.region}` },
      });
      throw new NoAgentError(`no agent in region ${cluster.region}`);
    }
    await db.kafkaCluster.updateMany({
      where: { id: clusterId, agentId: null },
      data: { agentId: agent.id },
    });
    agentId = (await db.kafkaCluster.findUniqueOrThrow({ where: { id: clusterId } })).agentId!;
    o.log?.(`provision ${clusterId}: agent ${agentId}`);
  }
  if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
  const base = poolBase(PLANS[cluster.plan], cluster.brokers);
  await db.$transaction(async (tx) => {
    await tx.poolSpec.upsert({
      where: { clusterId },
      create: { clusterId, orgId: cluster.orgId, agentId, base, state: 'RUNNING' },
      update: {},
    });
    await tx.agent.update({ where: { id: agentId }, data: { revision: { increment: 1 } } });
    await tx.kafkaCluster.update({ where: { id: clusterId }, data: { statusReason: null } });
    await tx.operation.updateMany({
      where: { targetId: clusterId, kind: 'cluster.create', status: 'PENDING' },
      data: { status: 'RUNNING' },
    });
  });
  o.log?.(`provision ${clusterId}: pool spec written`);
  return 'provisioned';
}

/** Marks the pool DELETED for the agent; a cluster that never got a pool is DELETED at once. */
export async function deprovisionCluster(
  db: Db,
  clusterId: string,
): Promise<'deprovisioned' | 'deleted' | 'skipped'> {
  const cluster = await db.kafkaCluster.findUnique({ where: { id: clusterId } });
  if (!cluster || cluster.status !== 'DELETING') return 'skipped';
  const spec = await db.poolSpec.findUnique({ where: { clusterId } });
  if (!spec) {
    await db.$transaction([
      db.kafkaCluster.update({
        where: { id: clusterId },
        data: { status: 'DELETED', liveName: null, version: { increment: 1 } },
      }),
      db.operation.updateMany({
        where: { targetId: clusterId, status: { in: ['PENDING', 'RUNNING'] } },
        data: { status: 'SUCCEEDED' },
      }),
    ]);
    return 'deleted';
  }
  if (spec.state === 'DELETED') return 'skipped';
  await db.$transaction(async (tx) => {
    const c = await tx.kafkaCluster.update({
      where: { id: clusterId },
      data: { generation: { increment: 1 } },
      select: { generation: true },
    });
    await tx.kafkaCluster.update({
      where: { id: clusterId },
      data: { poolGeneration: c.generation },
    });
    await tx.poolSpec.update({ where: { clusterId }, data: { state: 'DELETED' } });
    await tx.agent.update({ where: { id: spec.agentId }, data: { revision: { increment: 1 } } });
    await tx.operation.updateMany({
      where: { targetId: clusterId, kind: 'cluster.delete', status: 'PENDING' },
      data: { status: 'RUNNING' },
    });
  });
  return 'deprovisioned';
}
