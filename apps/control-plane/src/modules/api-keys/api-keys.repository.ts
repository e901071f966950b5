/**
 * Cluster API keys' table (derived credential material only). Tenant methods take an
 * `OrgId`; `ownerOf` resolves a key id for the access check (not scoped, by design).
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  inOrg,
  type ApiKeyId,
  type ClusterApiKey,
  type ClusterId,
  type Db,
  type OrgId,
  type Prisma,
  type Tx,
} from '@tributary/db';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

export interface NewApiKey {
  id: ApiKeyId;
  clusterId: ClusterId;
  ownerUserId: string | null;
  ownerServiceAccountId: string | null;
  principal: string;
  description: string;
  derived: Prisma.InputJsonValue;
}

@Injectable()
export class ApiKeysRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  async ownerOf(id: string): Promise<string | null> {
    const row = await this.client().clusterApiKey.findUnique({
      where: { id },
      select: { orgId: true },
    });
    return row?.orgId ?? null;
  }

  list(orgId: OrgId, clusterId: ClusterId, page: PageRequest): Promise<ClusterApiKey[]> {
    return this.client().clusterApiKey.findMany({
      where: inOrg(orgId, { clusterId }),
      ...pageArgs(page),
    });
  }

  get(orgId: OrgId, id: ApiKeyId): Promise<ClusterApiKey> {
    return this.client().clusterApiKey.findFirstOrThrow({ where: inOrg(orgId, { id }) });
  }

  create(orgId: OrgId, k: NewApiKey, tx: Tx): Promise<ClusterApiKey> {
    return this.client(tx).clusterApiKey.create({ data: { ...k, orgId } });
  }

  async markDeleting(orgId: OrgId, id: ApiKeyId, tx: Tx): Promise<void> {
    await this.client(tx).clusterApiKey.updateMany({
      where: inOrg(orgId, { id }),
      data: { status: 'DELETING' },
    });
  }

  countOwnedBy(orgId: OrgId, serviceAccountId: string, tx?: Tx): Promise<number> {
    return this.client(tx).clusterApiKey.count({
      where: inOrg(orgId, { ownerServiceAccountId: serviceAccountId }),
    });
  }

  /** Cascade: the cluster is DELETED, its keys go. */
  async deleteAllOf(orgId: OrgId, clusterId: ClusterId, tx: Tx): Promise<void> {
    await this.client(tx).clusterApiKey.deleteMany({ where: inOrg(orgId, { clusterId }) });
  }
}
