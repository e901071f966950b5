/**
 * Service accounts: non-human principals of an organization. Cluster API keys owned by one
 * authenticate as `User:<service account id>`; cloud API keys owned by one call the REST
 * API with the service account's organization role (none by default: grant one by adding
 * `role` at creation).
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
import { dbCall, DbConflictError, newId, type Db, type ServiceAccount } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { contextFilter } from '../../platform/exception-filters.js';
import { checkIfMatch, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageArgs, pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { ProblemError, problems } from '../../platform/problem.js';
import { DB } from '../../platform/tokens.js';
import { Validate, displayName } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AuditService } from '../legacy.js';
import { ROLES } from '../orgs/orgs.dtos.js';

export class ServiceAccountsError extends ProblemError {
  static duplicateName() {
    return new ServiceAccountsError(
      409,
      'duplicate-name',
      'Conflict',
      'a service account with this name exists',
      [{ pointer: '/name', detail: 'already used' }],
    );
  }
  static hasKeys() {
    return new ServiceAccountsError(
      409,
      'service-account-in-use',
      'Conflict',
      'delete the API keys of this service account first',
    );
  }
}

const createBody = z.strictObject({
  organization_id: z.string().max(64),
  name: displayName,
  description: z.string().max(500).default(''),
  role: z.enum(ROLES).optional(),
});
const updateBody = z
  .strictObject({ name: displayName.optional(), description: z.string().max(500).optional() })
  .refine(
    (b) => b.name !== undefined || b.description !== undefined,
    'name or description is required',
  );
const listQuery = z.strictObject({ ...pageQuery, organization_id: z.string().max(64) });
const view = (s: ServiceAccount) => ({
  id: s.id,
  organization_id: s.orgId,
  name: s.name,
  description: s.description,
  principal: `User:${s.id}`,
  created_at: s.createdAt.toISOString(),
});

@ApiTags('service accounts')
@UseFilters(contextFilter(ServiceAccountsError))
@Controller('v1/service-accounts')
export class ServiceAccountsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.requireOrg(actor, q.organization_id, 'sa:read');
    const rows = await this.db.serviceAccount.findMany({
      where: { orgId },
      ...pageArgs(pageRequest(q)),
    });
    return toPage(rows, q.page_size, view);
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createBody)) body: z.output<typeof createBody>,
  ) {
    const orgId = await this.access.requireOrg(actor, body.organization_id, 'sa:manage');
    if (body.role === 'OrgAdmin') await this.access.requireOrg(actor, orgId, 'members:manage');
    const id = newId('serviceAccount');
    try {
      const [sa] = await dbCall(() =>
        this.db.$transaction([
          this.db.serviceAccount.create({
            data: { id, orgId, name: body.name, description: body.description },
          }),
          ...(body.role
            ? [
                this.db.membership.create({
                  data: { id: newId('membership'), orgId, serviceAccountId: id, role: body.role },
                }),
              ]
            : []),
        ]),
      );
      await this.audit.record(
        actor,
        orgId,
        'service_account.create',
        { type: 'service_account', id },
        { name: body.name },
      );
      return view(sa as ServiceAccount);
    } catch (e) {
      if (e instanceof DbConflictError) throw ServiceAccountsError.duplicateName();
      throw e;
    }
  }

  @Get(':id')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.serviceAccount(actor, id, 'sa:read');
    const sa = await this.db.serviceAccount.findFirstOrThrow({ where: { id, orgId } });
    setEtag(res, sa.version);
    return view(sa);
  }

  @Patch(':id')
  @ApiBody({ schema: openApiSchema(updateBody) })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body(new Validate(updateBody)) body: z.output<typeof updateBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.serviceAccount(actor, id, 'sa:manage');
    const sa = await this.db.serviceAccount.findFirstOrThrow({ where: { id, orgId } });
    checkIfMatch(req, sa.version);
    try {
      const n = await dbCall(() =>
        this.db.serviceAccount.updateMany({
          where: { id, orgId, version: sa.version },
          data: { ...body, version: { increment: 1 } },
        }),
      );
      if (n.count === 0) throw problems.preconditionFailed('the service account changed meanwhile');
    } catch (e) {
      if (e instanceof DbConflictError) throw ServiceAccountsError.duplicateName();
      throw e;
    }
    const updated = await this.db.serviceAccount.findFirstOrThrow({ where: { id, orgId } });
    await this.audit.record(
      actor,
      orgId,
      'service_account.update',
      { type: 'service_account', id },
      body,
    );
    setEtag(res, updated.version);
    return view(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.serviceAccount(actor, id, 'sa:manage');
    const keys = await this.db.clusterApiKey.count({ where: { orgId, ownerServiceAccountId: id } });
    if (keys > 0) throw ServiceAccountsError.hasKeys();
    await this.db.serviceAccount.deleteMany({ where: { id, orgId } });
    await this.audit.record(actor, orgId, 'service_account.delete', {
      type: 'service_account',
      id,
    });
  }
}
