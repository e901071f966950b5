/** Renames / re-describes a service account with optimistic concurrency. */
import { Inject, Injectable } from '@nestjs/common';
import { DbConflictError, DbStaleError, type ServiceAccount } from '@tributary/db';
import { DomainEvents } from '../../../../platform/domain-events.js';
import { checkVersion } from '../../../../platform/etag.js';
import { problems } from '../../../../platform/problem.js';
import { ServiceAccountsError } from '../../service-accounts.errors.js';
import { ServiceAccountsRepository } from '../../service-accounts.repository.js';
import type { UpdateServiceAccountCommand } from './update-service-account.command.js';

@Injectable()
export class UpdateServiceAccountUseCase {
  constructor(
    @Inject(ServiceAccountsRepository) private readonly accounts: ServiceAccountsRepository,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  async execute(cmd: UpdateServiceAccountCommand): Promise<ServiceAccount> {
    const sa = await this.accounts.get(cmd.orgId, cmd.serviceAccountId);
    checkVersion(cmd.expectedVersion, sa.version);
    let updated: ServiceAccount;
    try {
      updated = await this.accounts.update(
        cmd.orgId,
        cmd.serviceAccountId,
        sa.version,
        cmd.changes,
      );
    } catch (e) {
      if (e instanceof DbStaleError) throw problems.preconditionFailed(e.message);
      if (e instanceof DbConflictError) throw ServiceAccountsError.duplicateName();
      throw e;
    }
    await this.events.publish({
      action: 'service_account.update',
      actor: cmd.actor,
      orgId: cmd.orgId,
      target: { type: 'service_account', id: sa.id },
      details: cmd.changes,
    });
    return updated;
  }
}
