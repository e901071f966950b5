/**
 * Kafka ACLs of a cluster (Kafka semantics: resource type + name + pattern, principal, host,
 * operation, ALLOW/DENY), stored here and pushed to the pool by the agent. Principals are
 * `User:<service account id>`, `User:<user id>` of the organization, or `User:*`.
 */
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseFilters,
} from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { aclBindingSchema } from '@tributary/contracts';
import { dbCall, DbConflictError, newId, type Acl, type Db } from '@tributary/db';
import { asClusterId, type Tx } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { contextFilter } from '../../platform/exception-filters.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageArgs, pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { ProblemError, problems } from '../../platform/problem.js';
import { DB } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AuditService } from '../legacy.js';
import { PoolChanges } from '../clusters/pool-changes.js';

export class AclsError extends ProblemError {
  static duplicate() {
    return new AclsError(409, 'duplicate-acl', 'Conflict', 'this ACL binding exists');
  }
  static unknownPrincipal() {
    return new AclsError(
      422,
      'unknown-principal',
      'Unprocessable Content',
      'the principal is not a service account or member of this organization',
      [{ pointer: '/principal', detail: 'User:<service account id>, User:<user id> or User:*' }],
    );
  }
}

const shape = aclBindingSchema.shape;
const createBody = z.strictObject({
  resource_type: shape.resourceType,
  resource_name: z.string().min(1).max(255),
  pattern_type: shape.patternType,
  principal: z.string().regex(/^User:[\x21-\x7e]{1,128}$/, 'must be User:<id>'),
  host: z.string().min(1).max(255).default('*'),
  operation: shape.operation,
  permission: shape.permissionType,
});
const listQuery = z.strictObject(pageQuery);
const view = (a: Acl) => ({
  id: a.id,
  cluster_id: a.clusterId,
  resource_type: a.resourceType,
  resource_name: a.resourceName,
  pattern_type: a.patternType,
  principal: a.principal,
  host: a.host,
  operation: a.operation,
  permission: a.permissionType,
  created_at: a.createdAt.toISOString(),
});

@ApiTags('acls')
@UseFilters(contextFilter(AclsError))
@Controller('v1/kafka/clusters/:clusterId/acls')
export class AclsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'acl:read');
    const rows = await this.db.acl.findMany({
      where: { orgId, clusterId },
      ...pageArgs(pageRequest(q)),
    });
    return toPage(rows, q.page_size, view);
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Body(new Validate(createBody)) body: z.output<typeof createBody>,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'acl:manage');
    const subject = body.principal.slice('User:'.length);
    if (subject !== '*') {
      const [sa, member] = await Promise.all([
        this.db.serviceAccount.count({ where: { id: subject, orgId } }),
        this.db.membership.count({ where: { orgId, userId: subject } }),
      ]);
      if (sa + member === 0) throw AclsError.unknownPrincipal();
    }
    let agentId: string | null = null;
    try {
      const acl = await dbCall(() =>
        this.db.$transaction(async (tx) => {
          const a = await tx.acl.create({
            data: {
              id: newId('acl'),
              orgId,
              clusterId,
              resourceType: body.resource_type,
              resourceName: body.resource_name,
              patternType: body.pattern_type,
              principal: body.principal,
              host: body.host,
              operation: body.operation,
              permissionType: body.permission,
            },
          });
          agentId = await this.changes.bump(tx as unknown as Tx, orgId, asClusterId(clusterId));
          return a;
        }),
      );
      this.changes.notify(agentId);
      await this.audit.record(actor, orgId, 'acl.create', { type: 'acl', id: acl.id }, { ...body });
      return view(acl);
    } catch (e) {
      if (e instanceof DbConflictError) throw AclsError.duplicate();
      throw e;
    }
  }

  @Delete(':aclId')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Param('aclId') aclId: string,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'acl:manage');
    let agentId: string | null = null;
    await this.db.$transaction(async (tx) => {
      const n = await tx.acl.deleteMany({ where: { id: aclId, orgId, clusterId } });
      if (n.count === 0) throw problems.notFound('ACL');
      agentId = await this.changes.bump(tx as unknown as Tx, orgId, asClusterId(clusterId));
    });
    this.changes.notify(agentId);
    await this.audit.record(actor, orgId, 'acl.delete', { type: 'acl', id: aclId });
  }
}
