/** Deletes a service account unless a context still holds something of it (its API keys). */
import { Inject, Injectable } from '@nestjs/common';
import type { OrgId, ServiceAccountId } from '@tributary/db';
import type { Actor } from '../../../../platform/actor.js';
import { DeletionHooks } from '../../../../platform/deletion-hooks.js';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { Transactions } from '../../../../platform/transactions.js';
import { ServiceAccountsError } from '../../service-accounts.errors.js';
import { ServiceAccountsRepository } from '../../service-accounts.repository.js';

export interface DeleteServiceAccountCommand {
  orgId: OrgId;
  actor: Actor;
  serviceAccountId: ServiceAccountId;
}

@Injectable()
export class DeleteServiceAccountUseCase {
  constructor(
    @Inject(ServiceAccountsRepository) private readonly accounts: ServiceAccountsRepository,
    @Inject(Transactions) private readonly transactions: Transactions,
    @Inject(DeletionHooks) private readonly hooks: DeletionHooks,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: DeleteServiceAccountCommand): Promise<void> {
    const subject = { orgId: cmd.orgId, serviceAccountId: cmd.serviceAccountId };
    await this.transactions.run(async (tx) => {
      if (await this.hooks.blocked('serviceAccount', subject, tx))
        throw ServiceAccountsError.hasKeys();
      await this.hooks.cascade('serviceAccount', subject, tx);
      await this.accounts.delete(cmd.orgId, cmd.serviceAccountId, tx);
    });
    await this.events.publish({
      action: 'service_account.delete',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'service_account', id: cmd.serviceAccountId },
    });
  }
}
