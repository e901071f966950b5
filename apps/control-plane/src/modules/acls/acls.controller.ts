/**
 * Kafka ACLs of a cluster (HTTP mapping only), stored here and pushed to the pool by the
 * agent.
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
import { asClusterId } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AclsExceptionFilter } from './acls.errors.js';
import { aclView } from './acls.views.js';
import { CreateAclCommand, createAclBody } from './use-cases/create-acl/create-acl.command.js';
import { CreateAclUseCase } from './use-cases/create-acl/create-acl.use-case.js';
import { DeleteAclUseCase } from './use-cases/delete-acl/delete-acl.use-case.js';
import { ListAclsUseCase } from './use-cases/list-acls/list-acls.use-case.js';

const listQuery = z.strictObject(pageQuery);

@ApiTags('acls')
@UseFilters(AclsExceptionFilter)
@Controller('v1/kafka/clusters/:clusterId/acls')
export class AclsController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ListAclsUseCase) private readonly listAcls: ListAclsUseCase,
    @Inject(CreateAclUseCase) private readonly createAcl: CreateAclUseCase,
    @Inject(DeleteAclUseCase) private readonly deleteAcl: DeleteAclUseCase,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'acl:read');
    const rows = await this.listAcls.execute({
      orgId,
      clusterId: asClusterId(clusterId),
      page: pageRequest(q),
    });
    return toPage(rows, q.page_size, aclView);
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createAclBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Body(new Validate(createAclBody)) body: z.output<typeof createAclBody>,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'acl:manage');
    const cmd = CreateAclCommand.create(orgId, actor, asClusterId(clusterId), body);
    return aclView(await this.createAcl.execute(cmd));
  }

  @Delete(':aclId')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Param('aclId') aclId: string,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'acl:manage');
    await this.deleteAcl.execute({ orgId, actor, clusterId: asClusterId(clusterId), aclId });
  }
}
