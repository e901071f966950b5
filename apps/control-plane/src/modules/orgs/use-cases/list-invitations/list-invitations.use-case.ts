/** An organization's invitations (any status). */
import { Inject, Injectable } from '@nestjs/common';
import type { Invitation, OrgId } from '@tributary/db';
import type { PageRequest } from '../../../../platform/pagination.js';
import { OrgsRepository } from '../../orgs.repository.js';

@Injectable()
export class ListInvitationsUseCase {
  constructor(@Inject(OrgsRepository) private readonly orgs: OrgsRepository) {}

  execute(q: { orgId: OrgId; page: PageRequest }): Promise<Invitation[]> {
    return this.orgs.invitations(q.orgId, q.page);
  }
}
