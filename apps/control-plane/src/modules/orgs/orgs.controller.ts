/**
 * Organizations, their members (roles) and invitations. Creating an organization makes the
 * caller its OrgAdmin; an invitation's token is shown once, to the inviter, and accepted by
 * the invited user (matching email) with POST /v1/invitations/accept.
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
import { dbCall, DbConflictError, newId, type Db } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { checkIfMatch, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageArgs, pageQuery, toPage } from '../../platform/pagination.js';
import { problems } from '../../platform/problem.js';
import { DB } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { AuditService } from '../audit/audit.service.js';
import { AccessService } from './access.service.js';
import { OrgsError, OrgsExceptionFilter } from './orgs.errors.js';
import {
  acceptInvitationBody,
  createInvitationBody,
  createOrgBody,
  orgView,
  updateMemberBody,
  updateOrgBody,
} from './orgs.dtos.js';

const listQuery = z.strictObject(pageQuery);

@ApiTags('organizations')
@UseFilters(OrgsExceptionFilter)
@Controller('v1')
export class OrgsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Get('organizations')
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const member = actor.kind === 'user' ? { userId: actor.id } : { serviceAccountId: actor.id };
    const rows = await this.db.organization.findMany({
      where: { memberships: { some: member } },
      ...pageArgs(q.page_size, q.page_token),
    });
    return toPage(rows, q.page_size, orgView);
  }

  @Post('organizations')
  @ApiBody({ schema: openApiSchema(createOrgBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createOrgBody)) body: z.output<typeof createOrgBody>,
  ) {
    if (actor.kind !== 'user') throw problems.forbidden('only users create organizations');
    const id = newId('org');
    const [org] = await this.db.$transaction([
      this.db.organization.create({ data: { id, name: body.name } }),
      this.db.membership.create({
        data: { id: newId('membership'), orgId: id, userId: actor.id, role: 'OrgAdmin' },
      }),
    ]);
    await this.audit.record(actor, id, 'organization.create', { type: 'organization', id });
    return orgView(org);
  }

  @Get('organizations/:orgId')
  async get(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'org:read');
    const org = await this.db.organization.findUniqueOrThrow({ where: { id } });
    setEtag(res, org.version);
    return orgView(org);
  }

  @Patch('organizations/:orgId')
  @ApiBody({ schema: openApiSchema(updateOrgBody) })
  async update(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Body(new Validate(updateOrgBody)) body: z.output<typeof updateOrgBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'org:manage');
    const current = await this.db.organization.findUniqueOrThrow({ where: { id } });
    checkIfMatch(req, current.version);
    const n = await this.db.organization.updateMany({
      where: { id, version: current.version },
      data: { name: body.name, version: { increment: 1 } },
    });
    if (n.count === 0) throw problems.preconditionFailed('the organization changed meanwhile');
    const org = await this.db.organization.findUniqueOrThrow({ where: { id } });
    await this.audit.record(
      actor,
      id,
      'organization.update',
      { type: 'organization', id },
      { name: body.name },
    );
    setEtag(res, org.version);
    return orgView(org);
  }

  @Get('organizations/:orgId/members')
  async members(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:read');
    const rows = await this.db.membership.findMany({
      where: { orgId: id },
      include: { user: { select: { email: true, name: true } } },
      ...pageArgs(q.page_size, q.page_token),
    });
    return toPage(rows, q.page_size, (m) => ({
      id: m.id,
      role: m.role,
      user: m.userId ? { id: m.userId, email: m.user?.email, name: m.user?.name } : null,
      service_account: m.serviceAccountId ? { id: m.serviceAccountId } : null,
      created_at: m.createdAt.toISOString(),
    }));
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
    const m = await this.db.membership.findFirst({ where: { id: memberId, orgId: id } });
    if (!m) throw problems.notFound('member');
    if (m.role === 'OrgAdmin' && body.role !== 'OrgAdmin') await this.keepOneAdmin(id);
    const updated = await this.db.membership.update({
      where: { id: m.id },
      data: { role: body.role, version: { increment: 1 } },
    });
    await this.audit.record(
      actor,
      id,
      'member.update',
      { type: 'membership', id: m.id },
      { role: body.role },
    );
    return { id: updated.id, role: updated.role };
  }

  @Delete('organizations/:orgId/members/:memberId')
  @HttpCode(204)
  async removeMember(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Param('memberId') memberId: string,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:manage');
    const m = await this.db.membership.findFirst({ where: { id: memberId, orgId: id } });
    if (!m) throw problems.notFound('member');
    if (m.role === 'OrgAdmin') await this.keepOneAdmin(id);
    await this.db.membership.delete({ where: { id: m.id } });
    await this.audit.record(actor, id, 'member.remove', { type: 'membership', id: m.id });
  }

  @Get('organizations/:orgId/invitations')
  async invitations(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:manage');
    const rows = await this.db.invitation.findMany({
      where: { orgId: id },
      ...pageArgs(q.page_size, q.page_token),
    });
    return toPage(rows, q.page_size, (i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      status: i.status,
      expires_at: i.expiresAt.toISOString(),
    }));
  }

  @Post('organizations/:orgId/invitations')
  @ApiBody({ schema: openApiSchema(createInvitationBody) })
  async invite(
    @CurrentActor() actor: Actor,
    @Param('orgId') orgId: string,
    @Body(new Validate(createInvitationBody)) body: z.output<typeof createInvitationBody>,
  ) {
    const id = await this.access.requireOrg(actor, orgId, 'members:manage');
    const token = randomToken();
    const inv = await this.db.invitation.create({
      data: {
        id: newId('invitation'),
        orgId: id,
        email: body.email,
        role: body.role,
        tokenHash: sha256(token),
        invitedById: actor.id,
        expiresAt: new Date(Date.now() + 7 * 24 * 3_600_000),
      },
    });
    await this.audit.record(
      actor,
      id,
      'invitation.create',
      { type: 'invitation', id: inv.id },
      { email: body.email, role: body.role },
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
    const n = await this.db.invitation.updateMany({
      where: { id: invitationId, orgId: id, status: 'PENDING' },
      data: { status: 'REVOKED' },
    });
    if (n.count === 0) throw problems.notFound('invitation');
    await this.audit.record(actor, id, 'invitation.revoke', {
      type: 'invitation',
      id: invitationId,
    });
  }

  @Post('invitations/accept')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchema(acceptInvitationBody) })
  async accept(
    @CurrentActor() actor: Actor,
    @Body(new Validate(acceptInvitationBody)) body: z.output<typeof acceptInvitationBody>,
  ) {
    if (actor.kind !== 'user') throw OrgsError.invitationInvalid();
    const user = await this.db.user.findUniqueOrThrow({ where: { id: actor.id } });
    const inv = await this.db.invitation.findUnique({ where: { tokenHash: sha256(body.token) } });
    if (!inv || inv.status !== 'PENDING' || inv.email !== user.email || inv.expiresAt < new Date())
      throw OrgsError.invitationInvalid();
    try {
      await dbCall(() =>
        this.db.$transaction([
          this.db.membership.create({
            data: { id: newId('membership'), orgId: inv.orgId, userId: user.id, role: inv.role },
          }),
          this.db.invitation.update({ where: { id: inv.id }, data: { status: 'ACCEPTED' } }),
        ]),
      );
    } catch (e) {
      if (e instanceof DbConflictError) throw OrgsError.alreadyMember();
      throw e;
    }
    await this.audit.record(actor, inv.orgId, 'invitation.accept', {
      type: 'invitation',
      id: inv.id,
    });
    return { organization: { id: inv.orgId }, role: inv.role };
  }

  private async keepOneAdmin(orgId: string): Promise<void> {
    const admins = await this.db.membership.count({ where: { orgId, role: 'OrgAdmin' } });
    if (admins <= 1) throw OrgsError.lastAdmin();
  }
}
