/** A cluster's ACLs. */
import { Inject, Injectable } from '@nestjs/common';
import type { Acl, ClusterId, OrgId } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { AclsRepository } from '../../acls.repository.js';

@Injectable()
export class ListAclsUseCase {
  constructor(@Inject(AclsRepository) private readonly acls: AclsRepository) {}

  execute(q: { orgId: OrgId; clusterId: ClusterId; page: PageRequest }): Promise<Acl[]> {
    return this.acls.list(q.orgId, q.clusterId, q.page);
  }
}
