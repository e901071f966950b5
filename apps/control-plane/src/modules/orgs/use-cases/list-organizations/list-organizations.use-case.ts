/** The organizations the caller is a member of (scoped by the member, not one org). */
import { Inject, Injectable } from '@nestjs/common';
import type { Organization } from '@tributary/db';
import type { Principal } from '../../../../platform/actor.js';
import type { PageRequest } from '../../../../platform/pagination.js';
import { OrgsRepository } from '../../orgs.repository.js';

export interface ListOrganizationsQuery {
  member: Principal;
  page: PageRequest;
}

@Injectable()
export class ListOrganizationsUseCase {
  constructor(@Inject(OrgsRepository) private readonly orgs: OrgsRepository) {}

  execute(q: ListOrganizationsQuery): Promise<Organization[]> {
    return this.orgs.organizationsOf(q.member, q.page);
  }
}
