/**
 * Organizations, their members (roles) and invitations: HTTP mapping only. Creating an
 * organization makes the caller its OrgAdmin; an invitation's token is shown once, to the
 * inviter, and accepted by the invited user (matching email) with POST /v1/invitations/accept.
 */
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { ifMatchVersion, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from './access.service.js';
import { OrgsExceptionFilter } from './orgs.errors.js';
import { invitationView, memberView, orgView } from './orgs.dtos.js';
import {
  AcceptInvitationCommand,
  acceptInvitationBody,
} from './use-cases/accept-invitation/accept-invitation.command.js';
import { AcceptInvitationUseCase } from './use-cases/accept-invitation/accept-invitation.use-case.js';
import {
  CreateInvitationCommand,
  createInvitationBody,
} from './use-cases/create-invitation/create-invitation.command.js';
import { CreateInvitationUseCase } from './use-cases/create-invitation/create-invitation.use-case.js';
import {
  CreateOrganizationCommand,
  createOrganizationBody,
} from './use-cases/create-organization/create-organization.command.js';
import { CreateOrganizationUseCase } from './use-cases/create-organization/create-organization.use-case.js';
import { GetOrganizationUseCase } from './use-cases/get-organization/get-organization.use-case.js';
import { ListInvitationsUseCase } from './use-cases/list-invitations/list-invitations.use-case.js';
import { ListMembersUseCase } from './use-cases/list-members/list-members.use-case.js';
import { ListOrganizationsUseCase } from './use-cases/list-organizations/list-organizations.use-case.js';
import { RemoveMemberUseCase } from './use-cases/remove-member/remove-member.use-case.js';
import { RevokeInvitationUseCase } from './use-cases/revoke-invitation/revoke-invitation.use-case.js';
import {
  UpdateMemberCommand,
  updateMemberBody,
} from './use-cases/update-member/update-member.command.js';
import { UpdateMemberUseCase } from './use-cases/update-member/update-member.use-case.js';
import {
  UpdateOrganizationCommand,
  updateOrganizationBody,
} from './use-cases/update-organization/update-organization.command.js';
import { UpdateOrganizationUseCase } from './use-cases/update-organization/update-organization.use-case.js';

const listQuery = z.strictObject(pageQuery);
type ListQuery = z.output<typeof listQuery>;

@ApiTags('organizations')
@UseFilters(OrgsExceptionFilter)
@Controller('v1')
export class OrgsController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ListOrganizationsUseCase) private readonly listOrgs: ListOrganizationsUseCase,
    @Inject(CreateOrganizationUseCase) private readonly createOrg: CreateOrganizationUseCase,
    @Inject(GetOrganizationUseCase) private readonly getOrg: GetOrganizationUseCase,
    @Inject(UpdateOrganizationUseCase) private readonly updateOrg: UpdateOrganizationUseCase,
    @Inject(ListMembersUseCase) private readonly listMembers: ListMembersUseCase,
    @Inject(UpdateMemberUseCase) private readonly updateMemberRole: UpdateMemberUseCase,
    @Inject(RemoveMemberUseCase) private readonly removeMemberOf: RemoveMemberUseCase,
    @Inject(ListInvitationsUseCase) private readonly listInvitations: ListInvitationsUseCase,
    @Inject(CreateInvitationUseCase) private readonly createInvitation: CreateInvitationUseCase,
    @Inject(RevokeInvitationUseCase) private readonly revokeInvitation: RevokeInvitationUseCase,
    @Inject(AcceptInvitationUseCase) private readonly acceptInvitation: AcceptInvitationUseCase,
  ) {}

  @Get('organizations')
  async list(@CurrentActor() actor: Actor, @Query(new Validate(listQuery, '#query')) q: ListQuery) {
    const rows = await this.listOrgs.execute({ member: actor, page: pageRequest(q) });
    return toPage(rows, q.page_size, orgView);
  }

  @Post('organizations')
  @ApiBody({ schema: openApiSchema(createOrganizationBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createOrganizationBody)) body: z.output<typeof createOrganizationBody>,
  ) {
    return orgView(await this.createOrg.execute(CreateOrganizationCommand.create(actor, body)));
  }

  @Get('organizations/:orgId')
  async get(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'org:read');
    const org = await this.getOrg.execute({ orgId: id });
    setEtag(res, org.version);
    return orgView(org);
  }

  @Patch('organizations/:orgId')
  @ApiBody({ schema: openApiSchema(updateOrganizationBody) })
  async update(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Body(new Validate(updateOrganizationBody)) body: z.output<typeof updateOrganizationBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'org:manage');
    const cmd = UpdateOrganizationCommand.create(id, actor, body, ifMatchVersion(req));
    const org = await this.updateOrg.execute(cmd);
    setEtag(res, org.version);
    return orgView(org);
  }

  @Get('organizations/:orgId/members')
  async members(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Query(new Validate(listQuery, '#query')) q: ListQuery,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:read');
    const rows = await this.listMembers.execute({ orgId: id, page: pageRequest(q) });
    return toPage(rows, q.page_size, memberView);
  }

  @Patch('organizations/:orgId/members/:memberId')
  @ApiBody({ schema: openApiSchema(updateMemberBody) })
  async updateMember(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Param('memberId') memberId: string,
    @Body(new Validate(updateMemberBody)) body: z.output<typeof updateMemberBody>,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:manage');
    const m = await this.updateMemberRole.execute(
      UpdateMemberCommand.create(id, actor, memberId, body),
    );
    return { id: m.id, role: m.role };
  }

  @Delete('organizations/:orgId/members/:memberId')
  @HttpCode(204)
  async removeMember(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Param('memberId') memberId: string,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:manage');
    await this.removeMemberOf.execute({ orgId: id, actor, memberId });
  }

  @Get('organizations/:orgId/invitations')
  async invitations(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Query(new Validate(listQuery, '#query')) q: ListQuery,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:manage');
    const rows = await this.listInvitations.execute({ orgId: id, page: pageRequest(q) });
    return toPage(rows, q.page_size, invitationView);
  }

  @Post('organizations/:orgId/invitations')
  @ApiBody({ schema: openApiSchema(createInvitationBody) })
  async invite(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Body(new Validate(createInvitationBody)) body: z.output<typeof createInvitationBody>,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:manage');
    const { invitation: inv, token } = await this.createInvitation.execute(
      CreateInvitationCommand.create(id, actor, body),
    );
    return { id: inv.id, email: inv.email, role: inv.role, status: inv.status, token };
  }

  @Delete('organizations/:orgId/invitations/:invitationId')
  @HttpCode(204)
  async revoke(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Param('invitationId') invitationId: string,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:manage');
    await this.revokeInvitation.execute({ orgId: id, actor, invitationId });
  }

  @Post('invitations/accept')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchema(acceptInvitationBody) })
  async accept(
    @CurrentActor() actor: Actor,
    @Body(new Validate(acceptInvitationBody)) body: z.output<typeof acceptInvitationBody>,
  ) {
    const r = await this.acceptInvitation.execute(AcceptInvitationCommand.create(actor, body));
    return { organization: { id: r.orgId }, role: r.role };
  }
}
