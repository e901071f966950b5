/**
 * Operations (long-running work with a status). Tenant methods take an `OrgId`;
 * `ownerOf` resolves an operation id for the access check (not scoped, by design).
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  inOrg,
  newId,
  type ClusterId,
  type Db,
  type Operation,
  type OrgId,
  type Tx,
} from '@tributary/db';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

export type ClusterOperationKind = 'cluster.create' | 'cluster.delete';

@Injectable()
export class OperationsRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  async ownerOf(id: string): Promise<string | null> {
    const row = await this.client().operation.findUnique({
      where: { id },
      select: { orgId: true },
    });
    return row?.orgId ?? null;
  }

  list(orgId: OrgId, page: PageRequest): Promise<Operation[]> {
    return this.client().operation.findMany({ where: inOrg(orgId, {}), ...pageArgs(page) });
  }

  get(orgId: OrgId, id: string): Promise<Operation> {
    return this.client().operation.findFirstOrThrow({ where: inOrg(orgId, { id }) });
  }

  /** A PENDING operation on a cluster. */
  async startForCluster(
    orgId: OrgId,
    clusterId: ClusterId,
    kind: ClusterOperationKind,
    tx?: Tx,
  ): Promise<Operation> {
    return this.client(tx).operation.create({
      data: {
        id: newId('operation'),
        orgId,
        kind,
        targetType: 'kafka_cluster',
        targetId: clusterId,
      },
    });
  }

  latestForCluster(
    orgId: OrgId,
    clusterId: ClusterId,
    kind: ClusterOperationKind,
  ): Promise<Operation | null> {
    return this.client().operation.findFirst({
      where: inOrg(orgId, { targetId: clusterId, kind }),
      orderBy: { createdAt: 'desc' },
    });
  }
}
