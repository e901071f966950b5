/** Kafka ACL bindings of clusters. Every method takes the `OrgId`. */
import { Inject, Injectable } from '@nestjs/common';
import {
  dbCall,
  inOrg,
  newId,
  type Acl,
  type ClusterId,
  type Db,
  type OrgId,
  type Tx,
} from '@tributary/db';
import { pageArgs, type PageRequest } from '../../platform/pagination.js';
import { Repository } from '../../platform/repository.js';
import { DB } from '../../platform/tokens.js';

export interface AclBinding {
  resourceType: string;
  resourceName: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permissionType: string;
}

@Injectable()
export class AclsRepository extends Repository {
  constructor(@Inject(DB) db: Db) {
    super(db);
  }

  list(orgId: OrgId, clusterId: ClusterId, page: PageRequest): Promise<Acl[]> {
    return this.client().acl.findMany({ where: inOrg(orgId, { clusterId }), ...pageArgs(page) });
  }

  /** DbConflictError when the same binding exists. */
  create(orgId: OrgId, clusterId: ClusterId, b: AclBinding, tx: Tx): Promise<Acl> {
    return dbCall(() =>
      this.client(tx).acl.create({ data: { id: newId('acl'), orgId, clusterId, ...b } }),
    );
  }

  /** False when there is no such ACL on the cluster. */
  async delete(orgId: OrgId, clusterId: ClusterId, id: string, tx: Tx): Promise<boolean> {
    const n = await this.client(tx).acl.deleteMany({ where: inOrg(orgId, { id, clusterId }) });
    return n.count > 0;
  }

  /** Cascade: the cluster is DELETED, its ACLs go. */
  async deleteAllOf(orgId: OrgId, clusterId: ClusterId, tx: Tx): Promise<void> {
    await this.client(tx).acl.deleteMany({ where: inOrg(orgId, { clusterId }) });
  }
}
