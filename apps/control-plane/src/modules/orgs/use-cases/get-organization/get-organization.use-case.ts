/** One organization (the caller's membership was checked by the access service). */
import { Inject, Injectable } from '@nestjs/common';
import type { Organization, OrgId } from '@tributary/db';
import { OrgsRepository } from '../../orgs.repository.js';

@Injectable()
export class GetOrganizationUseCase {
  constructor(@Inject(OrgsRepository) private readonly orgs: OrgsRepository) {}

  execute(q: { orgId: OrgId }): Promise<Organization> {
    return this.orgs.organization(q.orgId);
  }
}
