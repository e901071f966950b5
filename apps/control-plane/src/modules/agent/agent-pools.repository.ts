/**
 * The pools an agent runs, seen from the agent: its pool specs and what they are composed
 * with, its observations and the statuses they move, its usage samples. Methods take the
 * agent's `AgentId` first (queries built with `ofAgent`), or an `AgentCluster`: a cluster
 * `cluster` found for the agent, the only way to reach its observation, key and topic rows.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { PoolObservation, UsageSample } from '@tributary/contracts';
import {
  ofAgent,
  type AgentId,
  type ApiKeyStatus,
  type Db,
  type KafkaCluster,
  type Prisma,
  type Topic,
  type Tx,
} from '@tributary/db';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';
import type { DesiredStateRows } from './desired-state.js';
import type { ClusterChange, KeyChanges, TopicChanges } from './observed-state.js';

declare const foundForAgent: unique symbol;
/** A cluster row found for its agent by `cluster` (nothing else makes one). */
export type AgentCluster = Omit<KafkaCluster, 'agentId'> & {
  readonly agentId: AgentId;
  readonly [foundForAgent]: true;
};

@Injectable()
export class AgentPoolsRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  /** The agent's pool specs by cluster id, with their clusters' keys, ACLs and topics. */
  async desiredRows(agentId: AgentId, tx: Tx): Promise<DesiredStateRows> {
    const c = this.client(tx);
    const specs = await c.poolSpec.findMany({
      where: ofAgent(agentId, {}),
      orderBy: { clusterId: 'asc' },
    });
    const ids = specs.map((s) => s.clusterId);
    const [clusters, keys, acls, topics] = await Promise.all([
      c.kafkaCluster.findMany({
        where: { id: { in: ids } },
        select: { id: true, generation: true },
      }),
      c.clusterApiKey.findMany({
        where: { clusterId: { in: ids }, status: { not: 'DELETING' } },
        orderBy: { id: 'asc' },
      }),
      c.acl.findMany({ where: { clusterId: { in: ids } }, orderBy: { id: 'asc' } }),
      c.topic.findMany({ where: { clusterId: { in: ids } }, orderBy: { name: 'asc' } }),
    ]);
    return { specs, clusters, keys, acls, topics };
  }

  /** The cluster if this agent runs it (null for anyone else's). */
  async cluster(agentId: AgentId, clusterId: string, tx: Tx): Promise<AgentCluster | null> {
    const row = await this.client(tx).kafkaCluster.findFirst({
      where: ofAgent(agentId, { id: clusterId }),
    });
    return row as AgentCluster | null;
  }

  /** Keeps the latest observation per pool. */
  async saveObservation(cluster: AgentCluster, pool: PoolObservation, tx: Tx): Promise<void> {
    const row = {
      agentId: cluster.agentId,
      observedGeneration: pool.observedGeneration,
      phase: pool.phase,
      document: pool as unknown as Prisma.InputJsonObject,
      observedAt: new Date(pool.observedAt),
    };
    await this.client(tx).poolObservation.upsert({
      where: { clusterId: cluster.id },
      create: { clusterId: cluster.id, ...row },
      update: row,
    });
  }

  /** Finishes the operation the change names, then writes the cluster row. */
  async applyClusterChange(cluster: AgentCluster, change: ClusterChange, tx: Tx): Promise<void> {
    const c = this.client(tx);
    const { finishes, ...values } = change;
    if (finishes)
      await c.operation.updateMany({
        where: {
          targetId: cluster.id,
          kind: finishes.kind,
          status: { in: ['PENDING', 'RUNNING'] },
        },
        data: { status: finishes.ok ? 'SUCCEEDED' : 'FAILED', error: finishes.error },
      });
    await c.kafkaCluster.update({
      where: ofAgent(cluster.agentId, { id: cluster.id }),
      data: { ...values, ...(values.status ? { version: { increment: 1 } } : {}) },
    });
  }

  keysOf(cluster: AgentCluster, tx: Tx): Promise<{ id: string; status: ApiKeyStatus }[]> {
    return this.client(tx).clusterApiKey.findMany({
      where: { clusterId: cluster.id },
      select: { id: true, status: true },
    });
  }

  async applyKeyChanges(cluster: AgentCluster, changes: KeyChanges, tx: Tx): Promise<void> {
    const c = this.client(tx);
    const clusterId = cluster.id;
    if (changes.ready.length)
      await c.clusterApiKey.updateMany({
        where: { clusterId, id: { in: changes.ready } },
        data: { status: 'READY' },
      });
    if (changes.gone.length)
      await c.clusterApiKey.deleteMany({ where: { clusterId, id: { in: changes.gone } } });
  }

  topicsOf(cluster: AgentCluster, tx: Tx): Promise<Topic[]> {
    return this.client(tx).topic.findMany({ where: { clusterId: cluster.id } });
  }

  async applyTopicChanges(cluster: AgentCluster, changes: TopicChanges, tx: Tx): Promise<void> {
    const c = this.client(tx);
    const clusterId = cluster.id;
    if (changes.gone.length)
      await c.topic.deleteMany({ where: { clusterId, id: { in: changes.gone } } });
    for (const f of changes.failed)
      await c.topic.update({
        where: { clusterId, id: f.id },
        data: { status: 'FAILED', statusReason: f.reason },
      });
    if (changes.ready.length)
      await c.topic.updateMany({
        where: { clusterId, id: { in: changes.ready } },
        data: { status: 'READY', statusReason: null },
      });
  }

  /**
   * Stores usage samples once each (a sample seen before is skipped); the number stored, or
   * null when some sample is for a cluster this agent does not run (nothing is stored then).
   */
  async recordUsage(agentId: AgentId, samples: UsageSample[]): Promise<number | null> {
    const c = this.client();
    const ids = [...new Set(samples.map((s) => s.clusterId))];
    const mine = await c.kafkaCluster.count({ where: ofAgent(agentId, { id: { in: ids } }) });
    if (mine !== ids.length) return null;
    const r = await c.usageSample.createMany({
      data: samples.map((s) => ({
        clusterId: s.clusterId,
        brokerId: s.brokerId,
        incarnation: s.incarnation,
        sequence: s.sequence,
        takenAt: new Date(s.takenAt),
        usage: s.usage as object,
      })),
      skipDuplicates: true,
    });
    return r.count;
  }
}
