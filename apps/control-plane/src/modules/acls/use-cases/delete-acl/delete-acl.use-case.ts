/** Deletes an ACL of a cluster (404 when it has none with that id). */
import { Inject, Injectable } from '@nestjs/common';
import type { ClusterId, OrgId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { problems } from '../../../../platform/problem.js';
import { Transactions } from '../../../../platform/transactions.js';
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
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: DeleteAclCommand): Promise<void> {
    let agentId: string | null = null;
    await this.transactions.run(async (tx) => {
      if (!(await this.acls.delete(cmd.orgId, cmd.clusterId, cmd.aclId, tx)))
        throw problems.notFound('ACL');
      agentId = await this.changes.bump(tx, cmd.orgId, cmd.clusterId);
    });
    this.changes.notify(agentId);
    await this.events.publish({
      action: 'acl.delete',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'acl', id: cmd.aclId },
    });
  }
}
