/** Environments: named groups of clusters inside an organization. */
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
import { contextFilter } from '../../platform/exception-filters.js';
import { checkIfMatch, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageArgs, pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { ProblemError, problems } from '../../platform/problem.js';
import { DB } from '../../platform/tokens.js';
import { Validate, displayName } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AuditService } from '../legacy.js';

export class EnvironmentsError extends ProblemError {
  static duplicateName() {
    return new EnvironmentsError(
      409,
      'duplicate-name',
      'Conflict',
      'an environment with this name exists in the organization',
      [{ pointer: '/name', detail: 'already used' }],
    );
  }
  static notEmpty() {
    return new EnvironmentsError(
      409,
      'environment-not-empty',
      'Conflict',
      'delete the clusters of this environment first',
    );
  }
}

const createBody = z.strictObject({ organization_id: z.string().max(64), name: displayName });
const updateBody = z.strictObject({ name: displayName });
const listQuery = z.strictObject({ ...pageQuery, organization_id: z.string().max(64) });
const view = (e: { id: string; orgId: string; name: string; createdAt: Date }) => ({
  id: e.id,
  organization_id: e.orgId,
  name: e.name,
  created_at: e.createdAt.toISOString(),
});

@ApiTags('environments')
@UseFilters(contextFilter(EnvironmentsError))
@Controller('v1/environments')
export class EnvironmentsController {
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
    const orgId = await this.access.requireOrg(actor, q.organization_id, 'env:read');
    const rows = await this.db.environment.findMany({
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
    const orgId = await this.access.requireOrg(actor, body.organization_id, 'env:manage');
    const id = newId('environment');
    try {
      const env = await dbCall(() =>
        this.db.environment.create({ data: { id, orgId, name: body.name } }),
      );
      await this.audit.record(
        actor,
        orgId,
        'environment.create',
        { type: 'environment', id },
        { name: body.name },
      );
      return view(env);
    } catch (e) {
      if (e instanceof DbConflictError) throw EnvironmentsError.duplicateName();
      throw e;
    }
  }

  @Get(':id')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.environment(actor, id, 'env:read');
    const env = await this.db.environment.findFirstOrThrow({ where: { id, orgId } });
    setEtag(res, env.version);
    return view(env);
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
    const orgId = await this.access.environment(actor, id, 'env:manage');
    const env = await this.db.environment.findFirstOrThrow({ where: { id, orgId } });
    checkIfMatch(req, env.version);
    try {
      const n = await dbCall(() =>
        this.db.environment.updateMany({
          where: { id, orgId, version: env.version },
          data: { name: body.name, version: { increment: 1 } },
        }),
      );
      if (n.count === 0) throw problems.preconditionFailed('the environment changed meanwhile');
    } catch (e) {
      if (e instanceof DbConflictError) throw EnvironmentsError.duplicateName();
      throw e;
    }
    const updated = await this.db.environment.findFirstOrThrow({ where: { id, orgId } });
    await this.audit.record(
      actor,
      orgId,
      'environment.update',
      { type: 'environment', id },
      { name: body.name },
    );
    setEtag(res, updated.version);
    return view(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.environment(actor, id, 'env:manage');
    const live = await this.db.kafkaCluster.count({
      where: { orgId, environmentId: id, status: { not: 'DELETED' } },
    });
    if (live > 0) throw EnvironmentsError.notEmpty();
    await this.db.$transaction([
      this.db.kafkaCluster.deleteMany({ where: { orgId, environmentId: id } }),
      this.db.environment.deleteMany({ where: { id, orgId } }),
    ]);
    await this.audit.record(actor, orgId, 'environment.delete', { type: 'environment', id });
  }
}
