/** Operations (long-running work: cluster creation and deletion) and the audit log. */
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuditEvent, Db, Operation } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { pageArgs, pageQuery, toPage } from '../../platform/pagination.js';
import { DB } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';

const listQuery = z.strictObject({ ...pageQuery, organization_id: z.string().max(64) });
const opView = (o: Operation) => ({
  id: o.id,
  organization_id: o.orgId,
  kind: o.kind,
  target: { type: o.targetType, id: o.targetId },
  status: o.status,
  error: o.error,
  created_at: o.createdAt.toISOString(),
  updated_at: o.updatedAt.toISOString(),
});
const auditView = (a: AuditEvent) => ({
  id: a.id,
  organization_id: a.orgId,
  actor: { type: a.actorType, id: a.actorId },
  action: a.action,
  target: { type: a.targetType, id: a.targetId },
  source: { ip: a.ip, user_agent: a.userAgent },
  details: a.details,
  time: a.createdAt.toISOString(),
});

@ApiTags('operations')
@Controller('v1')
export class OperationsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get('operations')
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.requireOrg(actor, q.organization_id, 'operation:read');
    const rows = await this.db.operation.findMany({
      where: { orgId },
      ...pageArgs(q.page_size, q.page_token),
    });
    return toPage(rows, q.page_size, opView);
  }

  @Get('operations/:id')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.operation(actor, id, 'operation:read');
    return opView(await this.db.operation.findFirstOrThrow({ where: { id, orgId } }));
  }

  @Get('audit-events')
  async audit(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.requireOrg(actor, q.organization_id, 'audit:read');
    const rows = await this.db.auditEvent.findMany({
      where: { orgId },
      ...pageArgs(q.page_size, q.page_token),
    });
    return toPage(rows, q.page_size, auditView);
  }
}
