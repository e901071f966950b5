/**
 * Desired topics (managed by the control plane) and what the agent observed of a cluster's
 * topics. Every method takes the `OrgId`; the observation table has no org column, so it is
 * read only after the cluster is found in that organization.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { PoolObservation } from '@tributary/contracts';
import {
  dbCall,
  DbStaleError,
  inOrg,
  newId,
  type ClusterId,
  type Db,
  type OrgId,
  type Topic,
  type TopicStatus,
  type Tx,
} from '@tributary/db';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

export type ObservedTopic = PoolObservation['topics'][number];

@Injectable()
export class TopicsRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  list(orgId: OrgId, clusterId: ClusterId): Promise<Topic[]> {
    return this.client().topic.findMany({
      where: inOrg(orgId, { clusterId }),
      orderBy: { name: 'asc' },
    });
  }

  find(orgId: OrgId, clusterId: ClusterId, name: string): Promise<Topic | null> {
    return this.client().topic.findFirst({ where: inOrg(orgId, { clusterId, name }) });
  }

  /** The cluster's topics as the agent last saw them (internal `__` topics left out). */
  async observed(orgId: OrgId, clusterId: ClusterId): Promise<ObservedTopic[]> {
    const c = this.client();
    const inTenant = await c.kafkaCluster.count({ where: inOrg(orgId, { id: clusterId }) });
    if (!inTenant) return [];
    const o = await c.poolObservation.findUnique({ where: { clusterId } });
    return ((o?.document as PoolObservation | undefined)?.topics ?? []).filter(
      (t) => !t.name.startsWith('__'),
    );
  }

  /** DbConflictError when the name exists in the cluster. */
  create(
    orgId: OrgId,
    t: {
      clusterId: ClusterId;
      name: string;
      partitions: number;
      configs: Record<string, string>;
      status?: TopicStatus;
    },
    tx: Tx,
  ): Promise<Topic> {
    return dbCall(() =>
      this.client(tx).topic.create({ data: { id: newId('topic'), orgId, ...t } }),
    );
  }

  /** Partitions / configs at `version`, back to PROVISIONING; DbStaleError if it moved. */
  async update(
    orgId: OrgId,
    t: Topic,
    u: { partitions?: number; configs?: Record<string, string> },
    tx: Tx,
  ): Promise<Topic> {
    const c = this.client(tx);
    const n = await c.topic.updateMany({
      where: inOrg(orgId, { id: t.id, version: t.version }),
      data: { ...u, status: 'PROVISIONING', version: { increment: 1 } },
    });
    if (n.count === 0) throw new DbStaleError('the topic changed meanwhile');
    return c.topic.findFirstOrThrow({ where: inOrg(orgId, { id: t.id }) });
  }

  async markDeleting(orgId: OrgId, id: string, tx: Tx): Promise<void> {
    await this.client(tx).topic.updateMany({
      where: inOrg(orgId, { id }),
      data: { status: 'DELETING', version: { increment: 1 } },
    });
  }

  /** Cascade: the cluster is DELETED, its topics go. */
  async deleteAllOf(orgId: OrgId, clusterId: ClusterId, tx: Tx): Promise<void> {
    await this.client(tx).topic.deleteMany({ where: inOrg(orgId, { clusterId }) });
  }
}
