/**
 * Creates a service account (and its membership when a role is given, in one transaction).
 * Granting OrgAdmin needs the caller to manage members too.
 */
import { Inject, Injectable } from '@nestjs/common';
import { asServiceAccountId, DbConflictError, newId, type ServiceAccount } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { Transactions } from '../../../../platform/transactions.js';
import { AccessService } from '../../../orgs/access.service.js';
import { OrgsRepository } from '../../../orgs/orgs.repository.js';
import { ServiceAccountsError } from '../../service-accounts.errors.js';
import { ServiceAccountsRepository } from '../../service-accounts.repository.js';
import type { CreateServiceAccountCommand } from './create-service-account.command.js';

@Injectable()
export class CreateServiceAccountUseCase {
  constructor(
    @Inject(ServiceAccountsRepository) private readonly accounts: ServiceAccountsRepository,
    @Inject(OrgsRepository) private readonly orgs: OrgsRepository,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: CreateServiceAccountCommand): Promise<ServiceAccount> {
    const { orgId } = cmd;
    if (cmd.role === 'OrgAdmin') await this.access.requireOrg(cmd.actor, orgId, 'members:manage');
    const id = asServiceAccountId(newId('serviceAccount'));
    let sa: ServiceAccount;
    try {
      sa = await this.transactions.run(async (tx) => {
        const created = await this.accounts.create(
          orgId,
          { id, name: cmd.name, description: cmd.description },
          tx,
        );
        if (cmd.role) await this.orgs.addServiceAccountMember(orgId, id, cmd.role, tx);
        return created;
      });
    } catch (e) {
      if (e instanceof DbConflictError) throw ServiceAccountsError.duplicateName();
      throw e;
    }
    await this.events.publish({
      action: 'service_account.create',
      actor: cmd.actor,
      orgId,
      target: { type: 'service_account', id },
      details: { name: cmd.name },
    });
    return sa;
  }
}
