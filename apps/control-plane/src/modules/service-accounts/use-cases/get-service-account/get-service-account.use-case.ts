/** One service account. */
import { Inject, Injectable } from '@nestjs/common';
import type { OrgId, ServiceAccount, ServiceAccountId } from '@tributary/db';
import { ServiceAccountsRepository } from '../../service-accounts.repository.js';

@Injectable()
export class GetServiceAccountUseCase {
  constructor(
    @Inject(ServiceAccountsRepository) private readonly accounts: ServiceAccountsRepository,
  ) {}

  execute(q: { orgId: OrgId; serviceAccountId: ServiceAccountId }): Promise<ServiceAccount> {
    return this.accounts.get(q.orgId, q.serviceAccountId);
  }
}
