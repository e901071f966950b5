/** An organization's members (users and service accounts) with their roles. */
import { Inject, Injectable } from '@nestjs/common';
import type { OrgId } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { OrgsRepository, type MemberWithUser } from '../../orgs.repository.js';

@Injectable()
export class ListMembersUseCase {
  constructor(@Inject(OrgsRepository) private readonly orgs: OrgsRepository) {}

  execute(q: { orgId: OrgId; page: PageRequest }): Promise<MemberWithUser[]> {
    return this.orgs.members(q.orgId, q.page);
  }
}
