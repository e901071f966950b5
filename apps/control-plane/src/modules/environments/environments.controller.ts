/** Environments: named groups of clusters inside an organization (HTTP mapping only). */
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
import { asEnvironmentId } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { ifMatchVersion, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { EnvironmentsExceptionFilter } from './environments.errors.js';
import { environmentView } from './environments.views.js';
import {
  CreateEnvironmentCommand,
  createEnvironmentBody,
} from './use-cases/create-environment/create-environment.command.js';
import { CreateEnvironmentUseCase } from './use-cases/create-environment/create-environment.use-case.js';
import { DeleteEnvironmentUseCase } from './use-cases/delete-environment/delete-environment.use-case.js';
import { GetEnvironmentUseCase } from './use-cases/get-environment/get-environment.use-case.js';
import { ListEnvironmentsUseCase } from './use-cases/list-environments/list-environments.use-case.js';
import {
  UpdateEnvironmentCommand,
  updateEnvironmentBody,
} from './use-cases/update-environment/update-environment.command.js';
import { UpdateEnvironmentUseCase } from './use-cases/update-environment/update-environment.use-case.js';

const listQuery = z.strictObject({ ...pageQuery, organization_id: z.string().max(64) });

@ApiTags('environments')
@UseFilters(EnvironmentsExceptionFilter)
@Controller('v1/environments')
export class EnvironmentsController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ListEnvironmentsUseCase) private readonly listEnvs: ListEnvironmentsUseCase,
    @Inject(CreateEnvironmentUseCase) private readonly createEnv: CreateEnvironmentUseCase,
    @Inject(GetEnvironmentUseCase) private readonly getEnv: GetEnvironmentUseCase,
    @Inject(UpdateEnvironmentUseCase) private readonly updateEnv: UpdateEnvironmentUseCase,
    @Inject(DeleteEnvironmentUseCase) private readonly deleteEnv: DeleteEnvironmentUseCase,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.requireOrg(actor, q.organization_id, 'env:read');
    const rows = await this.listEnvs.execute({ orgId, page: pageRequest(q) });
    return toPage(rows, q.page_size, environmentView);
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createEnvironmentBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createEnvironmentBody)) body: z.output<typeof createEnvironmentBody>,
  ) {
    const orgId = await this.access.requireOrg(actor, body.organization_id, 'env:manage');
    const env = await this.createEnv.execute(CreateEnvironmentCommand.create(orgId, actor, body));
    return environmentView(env);
  }

  @Get(':id')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.environment(actor, id, 'env:read');
    const env = await this.getEnv.execute({ orgId, environmentId: asEnvironmentId(id) });
    setEtag(res, env.version);
    return environmentView(env);
  }

  @Patch(':id')
  @ApiBody({ schema: openApiSchema(updateEnvironmentBody) })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body(new Validate(updateEnvironmentBody)) body: z.output<typeof updateEnvironmentBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.environment(actor, id, 'env:manage');
    const cmd = UpdateEnvironmentCommand.create(
      orgId,
      actor,
      asEnvironmentId(id),
      body,
      ifMatchVersion(req),
    );
    const env = await this.updateEnv.execute(cmd);
    setEtag(res, env.version);
    return environmentView(env);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.environment(actor, id, 'env:manage');
    await this.deleteEnv.execute({ orgId, actor, environmentId: asEnvironmentId(id) });
  }
}
