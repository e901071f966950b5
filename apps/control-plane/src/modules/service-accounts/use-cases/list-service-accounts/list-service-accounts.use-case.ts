/** An organization's service accounts. */
import { Inject, Injectable } from '@nestjs/common';
import type { OrgId, ServiceAccount } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { ServiceAccountsRepository } from '../../service-accounts.repository.js';

@Injectable()
export class ListServiceAccountsUseCase {
  constructor(
    @Inject(ServiceAccountsRepository) private readonly accounts: ServiceAccountsRepository,
  ) {}

  execute(q: { orgId: OrgId; page: PageRequest }): Promise<ServiceAccount[]> {
    return this.accounts.list(q.orgId, q.page);
  }
}
