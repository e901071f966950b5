/** Creates an ACL for a principal of the organization; the spec generation moves with it. */
import { Inject, Injectable } from '@nestjs/common';
import { DbConflictError, type Acl } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { PoolChanges } from '../../../clusters/pool-changes.js';
import { OrgsRepository } from '../../../orgs/orgs.repository.js';
import { ServiceAccountsRepository } from '../../../service-accounts/service-accounts.repository.js';
import { AclsError } from '../../acls.errors.js';
import { AclsRepository } from '../../acls.repository.js';
import type { CreateAclCommand } from './create-acl.command.js';

@Injectable()
export class CreateAclUseCase {
  constructor(
    @Inject(AclsRepository) private readonly acls: AclsRepository,
    @Inject(ServiceAccountsRepository) private readonly accounts: ServiceAccountsRepository,
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: CreateAclCommand): Promise<Acl> {
    const { orgId, clusterId, subject } = cmd;
    if (subject !== '*') {
      const [sa, member] = await Promise.all([
        this.accounts.exists(orgId, subject),
        this.orgs.isUserMember(orgId, subject),
      ]);
      if (!sa && !member) throw AclsError.unknownPrincipal();
    }
    let acl: Acl;
    try {
      acl = await this.changes.apply(orgId, clusterId, (tx) =>
        this.acls.create(orgId, clusterId, cmd.binding, tx),
      );
    } catch (e) {
      if (e instanceof DbConflictError) throw AclsError.duplicate();
      throw e;
    }
    await this.events.publish({
      action: 'acl.create',
      actor: cmd.actor,
      orgId,
      target: { type: 'acl', id: acl.id },
      details: { ...cmd.body },
    });
    return acl;
  }
}
