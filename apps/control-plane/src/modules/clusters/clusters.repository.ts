/**
 * Kafka clusters' table. Tenant methods take an `OrgId`; `ownerOf` resolves a cluster id
 * for the access check (not scoped, by design; DELETED clusters resolve to nothing).
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  dbCall,
  DbStaleError,
  inOrg,
  type ClusterId,
  type ClusterPlan,
  type Db,
  type EnvironmentId,
  type KafkaCluster,
  type OrgId,
  type Tx,
} from '@tributary/db';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

export interface NewCluster {
  id: ClusterId;
  environmentId: EnvironmentId;
  name: string;
  plan: ClusterPlan;
  brokers: number;
  region: string;
  deletionProtection: boolean;
}

@Injectable()
export class ClustersRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  async ownerOf(id: string): Promise<string | null> {
    const row = await this.client().kafkaCluster.findUnique({
      where: { id },
      select: { orgId: true, status: true },
    });
    return row && row.status !== 'DELETED' ? row.orgId : null;
  }

  list(orgId: OrgId, environmentId: string, page: PageRequest): Promise<KafkaCluster[]> {
    return this.client().kafkaCluster.findMany({
      where: inOrg(orgId, { environmentId, status: { not: 'DELETED' as const } }),
      ...pageArgs(page),
    });
  }

  /** DbConflictError when the name is taken in the environment. */
  create(orgId: OrgId, c: NewCluster, tx: Tx): Promise<KafkaCluster> {
    return dbCall(() =>
      this.client(tx).kafkaCluster.create({ data: { ...c, orgId, liveName: c.name } }),
    );
  }

  get(orgId: OrgId, id: ClusterId): Promise<KafkaCluster> {
    return this.client().kafkaCluster.findFirstOrThrow({ where: inOrg(orgId, { id }) });
  }

  /** Name / deletion protection at `version`: DbStaleError if it moved, DbConflictError on name. */
  async update(
    orgId: OrgId,
    id: ClusterId,
    version: number,
    u: { name?: string; deletionProtection?: boolean },
  ): Promise<KafkaCluster> {
    const n = await dbCall(() =>
      this.client().kafkaCluster.updateMany({
        where: inOrg(orgId, { id, version }),
        data: {
          ...(u.name !== undefined ? { name: u.name, liveName: u.name } : {}),
          ...(u.deletionProtection !== undefined
            ? { deletionProtection: u.deletionProtection }
            : {}),
          version: { increment: 1 },
        },
      }),
    );
    if (n.count === 0) throw new DbStaleError('the cluster changed meanwhile');
    return this.get(orgId, id);
  }

  async markDeleting(orgId: OrgId, id: ClusterId, tx: Tx): Promise<void> {
    await this.client(tx).kafkaCluster.updateMany({
      where: inOrg(orgId, { id }),
      data: { status: 'DELETING', statusReason: null, version: { increment: 1 } },
    });
  }

  countLiveIn(orgId: OrgId, environmentId: EnvironmentId, tx: Tx): Promise<number> {
    return this.client(tx).kafkaCluster.count({
      where: inOrg(orgId, { environmentId, status: { not: 'DELETED' as const } }),
    });
  }

  async deleteAllIn(orgId: OrgId, environmentId: EnvironmentId, tx: Tx): Promise<void> {
    await this.client(tx).kafkaCluster.deleteMany({ where: inOrg(orgId, { environmentId }) });
  }

  /**
   * One more spec generation (and pool generation with `pool`); the agent's revision too.
   * Returns the agent to notify, if the cluster has one yet.
   */
  async bumpGeneration(
    orgId: OrgId,
    id: ClusterId,
    tx: Tx,
    opts: { pool?: boolean } = {},
  ): Promise<string | null> {
    const c = this.client(tx);
    const row = await c.kafkaCluster.update({
      where: inOrg(orgId, { id }),
      data: { generation: { increment: 1 } },
      select: { generation: true, agentId: true },
    });
    if (opts.pool)
      await c.kafkaCluster.update({
        where: inOrg(orgId, { id }),
        data: { poolGeneration: row.generation },
      });
    if (row.agentId)
      await c.agent.update({ where: { id: row.agentId }, data: { revision: { increment: 1 } } });
    return row.agentId;
  }
}
