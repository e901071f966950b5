/**
 * What the provisioning jobs and the worker's sweep read and write: a cluster by id (the
 * worker acts for the platform, not for one tenant), the agent it is placed on, its pool
 * spec. A plain class (the worker is not a Nest app). The writes that must go together run
 * in one transaction here.
 */
import {
  asAgentId,
  asClusterId,
  type AgentId,
  type ClusterId,
  type Db,
  type DbClient,
  type KafkaCluster,
  type PoolSpec,
} from '@tributary/db';
import { Repository } from '../../platform/repository.js';
import type { PoolBase } from '../clusters/plans.js';

export class ProvisioningRepository extends Repository {
  constructor(db: Db) {
    super(db);
  }

  cluster(id: ClusterId): Promise<KafkaCluster | null> {
    return this.client().kafkaCluster.findUnique({ where: { id } });
  }

  /** The agent the cluster is placed on, if any yet. */
  async agentOf(id: ClusterId): Promise<AgentId | null> {
    const c = await this.client().kafkaCluster.findUnique({
      where: { id },
      select: { agentId: true },
    });
    return c?.agentId ? asAgentId(c.agentId) : null;
  }

  /** The first agent registered in the region. */
  async firstAgentIn(region: string): Promise<AgentId | null> {
    const agent = await this.client().agent.findFirst({
      where: { region },
      orderBy: { createdAt: 'asc' },
    });
    return agent ? asAgentId(agent.id) : null;
  }

  async noteWaitingForAgent(id: ClusterId, region: string): Promise<void> {
    await this.client().kafkaCluster.update({
      where: { id },
      data: { statusReason: `waiting for an agent in region ${region}` },
    });
  }

  /** Places the cluster on the agent unless it is placed already; the agent it is on. */
  async placeOnAgent(id: ClusterId, agentId: AgentId): Promise<AgentId> {
    const c = this.client();
    await c.kafkaCluster.updateMany({ where: { id, agentId: null }, data: { agentId } });
    return asAgentId((await c.kafkaCluster.findUniqueOrThrow({ where: { id } })).agentId!);
  }

  /**
   * In one transaction: the pool spec (an upsert keyed by the cluster id: never a second
   * one), the agent's revision, the cluster's reason cleared, the create operation RUNNING.
   */
  async writePoolSpec(cluster: KafkaCluster, agentId: AgentId, base: PoolBase): Promise<void> {
    const clusterId = cluster.id;
    await this.inTransaction(undefined, async (tx) => {
      await tx.poolSpec.upsert({
        where: { clusterId },
        create: { clusterId, orgId: cluster.orgId, agentId, base, state: 'RUNNING' },
        update: {},
      });
      await bumpRevision(tx, agentId);
      await tx.kafkaCluster.update({ where: { id: clusterId }, data: { statusReason: null } });
      await startOperation(tx, clusterId, 'cluster.create');
    });
  }

  poolSpec(id: ClusterId): Promise<PoolSpec | null> {
    return this.client().poolSpec.findUnique({ where: { clusterId: id } });
  }

  /** A cluster that never got a pool: DELETED at once, its operations done. */
  async deleteWithoutPool(id: ClusterId): Promise<void> {
    await this.inTransaction(undefined, async (tx) => {
      await tx.kafkaCluster.update({
        where: { id },
        data: { status: 'DELETED', liveName: null, version: { increment: 1 } },
      });
      await tx.operation.updateMany({
        where: { targetId: id, status: { in: ['PENDING', 'RUNNING'] } },
        data: { status: 'SUCCEEDED' },
      });
    });
  }

  /**
   * In one transaction: a new spec and pool generation, the pool spec DELETED, the agent's
   * revision, the delete operation RUNNING.
   */
  async markPoolDeleted(spec: PoolSpec): Promise<void> {
    const clusterId = spec.clusterId;
    await this.inTransaction(undefined, async (tx) => {
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
      await bumpRevision(tx, spec.agentId);
      await startOperation(tx, clusterId, 'cluster.delete');
    });
  }

  /**
   * Clusters whose job seems lost: PROVISIONING without a pool spec, DELETING with a pool
   * spec not yet DELETED.
   */
  async lostJobs(): Promise<{ provision: ClusterId[]; deprovision: ClusterId[] }> {
    const c = this.client();
    const [provisioning, deleting] = await Promise.all([
      c.kafkaCluster.findMany({ where: { status: 'PROVISIONING' }, select: { id: true } }),
      c.kafkaCluster.findMany({ where: { status: 'DELETING' }, select: { id: true } }),
    ]);
    const specs = await c.poolSpec.findMany({
      where: { clusterId: { in: [...provisioning, ...deleting].map((x) => x.id) } },
      select: { clusterId: true, state: true },
    });
    const spec = new Map(specs.map((s) => [s.clusterId, s.state]));
    const ids = (rows: { id: string }[], lost: (state: string | undefined) => boolean) =>
      rows.filter((r) => lost(spec.get(r.id))).map((r) => asClusterId(r.id));
    return {
      provision: ids(provisioning, (state) => state === undefined),
      deprovision: ids(deleting, (state) => state !== 'DELETED'),
    };
  }
}

async function bumpRevision(tx: DbClient, agentId: string): Promise<void> {
  await tx.agent.update({ where: { id: agentId }, data: { revision: { increment: 1 } } });
}

async function startOperation(tx: DbClient, clusterId: string, kind: string): Promise<void> {
  await tx.operation.updateMany({
    where: { targetId: clusterId, kind, status: 'PENDING' },
    data: { status: 'RUNNING' },
  });
}
