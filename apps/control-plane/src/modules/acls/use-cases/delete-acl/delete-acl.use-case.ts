/** Deletes an ACL of a cluster (404 when it has none with that id). */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { PoolChanges } from '../../../clusters/pool-changes.js';
import { AclsRepository } from '../../acls.repository.js';

export interface DeleteAclCommand {
  orgId: OrgId;
  actor: Actor;
  clusterId: ClusterId;
  aclId: string;
}

@Injectable()
export class DeleteAclUseCase {
  constructor(
    @Inject(AclsRepository) private readonly acls: AclsRepository,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: DeleteAclCommand): Promise<void> {
    await this.changes.apply(cmd.orgId, cmd.clusterId, async (tx) => {
      if (!(await this.acls.delete(cmd.orgId, cmd.clusterId, cmd.aclId, tx)))
        throw problems.notFound('ACL');
    });
    await this.events.publish({
      action: 'acl.delete',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'acl', id: cmd.aclId },
    });
  }
}
