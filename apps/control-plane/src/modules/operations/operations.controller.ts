/** Operations (long-running work: cluster creation and deletion) and the audit log. */
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { asOperationId, type Operation } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { auditView } from '../audit/audit.views.js';
import { ListAuditEventsUseCase } from '../audit/use-cases/list-audit-events/list-audit-events.use-case.js';
import { GetOperationUseCase } from './use-cases/get-operation/get-operation.use-case.js';
import { ListOperationsUseCase } from './use-cases/list-operations/list-operations.use-case.js';

const listQuery = z.strictObject({ ...pageQuery, organization_id: z.string().max(64) });
type ListQuery = z.output<typeof listQuery>;
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

@ApiTags('operations')
@Controller('v1')
export class OperationsController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ListOperationsUseCase) private readonly listOps: ListOperationsUseCase,
    @Inject(GetOperationUseCase) private readonly getOp: GetOperationUseCase,
    @Inject(ListAuditEventsUseCase) private readonly listAudit: ListAuditEventsUseCase,
  ) {}

  @Get('operations')
  async list(@CurrentActor() actor: Actor, @Query(new Validate(listQuery, '#query')) q: ListQuery) {
    const orgId = await this.access.requireOrg(actor, q.organization_id, 'operation:read');
    return toPage(await this.listOps.execute({ orgId, page: pageRequest(q) }), q.page_size, opView);
  }

  @Get('operations/:id')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.operation(actor, id, 'operation:read');
    return opView(await this.getOp.execute({ orgId, operationId: asOperationId(id) }));
  }

  @Get('audit-events')
  async audit(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: ListQuery,
  ) {
    const orgId = await this.access.requireOrg(actor, q.organization_id, 'audit:read');
    const rows = await this.listAudit.execute({ orgId, page: pageRequest(q) });
    return toPage(rows, q.page_size, auditView);
  }
}
