/** The organizations context: organizations, members, invitations, and the access service. */
import { Module } from '@nestjs/common';
import { AccessService } from './access.service.js';
import { OrgsController } from './orgs.controller.js';
import { OrgsRepository } from './orgs.repository.js';
import { AcceptInvitationUseCase } from './use-cases/accept-invitation/accept-invitation.use-case.js';
import { CreateInvitationUseCase } from './use-cases/create-invitation/create-invitation.use-case.js';
import { CreateOrganizationUseCase } from './use-cases/create-organization/create-organization.use-case.js';
import { GetOrganizationUseCase } from './use-cases/get-organization/get-organization.use-case.js';
import { ListInvitationsUseCase } from './use-cases/list-invitations/list-invitations.use-case.js';
import { ListMembersUseCase } from './use-cases/list-members/list-members.use-case.js';
import { ListOrganizationsUseCase } from './use-cases/list-organizations/list-organizations.use-case.js';
import { RemoveMemberUseCase } from './use-cases/remove-member/remove-member.use-case.js';
import { RevokeInvitationUseCase } from './use-cases/revoke-invitation/revoke-invitation.use-case.js';
import { UpdateMemberUseCase } from './use-cases/update-member/update-member.use-case.js';
import { UpdateOrganizationUseCase } from './use-cases/update-organization/update-organization.use-case.js';

@Module({
  controllers: [OrgsController],
  providers: [
    OrgsRepository,
    AccessService,
    ListOrganizationsUseCase,
    CreateOrganizationUseCase,
    GetOrganizationUseCase,
    UpdateOrganizationUseCase,
    ListMembersUseCase,
    UpdateMemberUseCase,
    RemoveMemberUseCase,
    ListInvitationsUseCase,
    CreateInvitationUseCase,
    RevokeInvitationUseCase,
    AcceptInvitationUseCase,
  ],
  exports: [AccessService, OrgsRepository],
})
export class OrgsModule {}
