/**
 * Service accounts: non-human principals of an organization (HTTP mapping only). Cluster API
 * keys owned by one authenticate as `User:<service account id>`; cloud API keys owned by one
 * call the REST API with the service account's organization role (none by default: grant
 * one by adding `role` at creation).
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
import { asServiceAccountId } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { ifMatchVersion, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { ServiceAccountsExceptionFilter } from './service-accounts.errors.js';
import { serviceAccountView } from './service-accounts.views.js';
import {
  CreateServiceAccountCommand,
  createServiceAccountBody,
} from './use-cases/create-service-account/create-service-account.command.js';
import { CreateServiceAccountUseCase } from './use-cases/create-service-account/create-service-account.use-case.js';
import { DeleteServiceAccountUseCase } from './use-cases/delete-service-account/delete-service-account.use-case.js';
import { GetServiceAccountUseCase } from './use-cases/get-service-account/get-service-account.use-case.js';
import { ListServiceAccountsUseCase } from './use-cases/list-service-accounts/list-service-accounts.use-case.js';
import {
  UpdateServiceAccountCommand,
  updateServiceAccountBody,
} from './use-cases/update-service-account/update-service-account.command.js';
import { UpdateServiceAccountUseCase } from './use-cases/update-service-account/update-service-account.use-case.js';

const listQuery = z.strictObject({ ...pageQuery, organization_id: z.string().max(64) });

@ApiTags('service accounts')
@UseFilters(ServiceAccountsExceptionFilter)
@Controller('v1/service-accounts')
export class ServiceAccountsController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ListServiceAccountsUseCase) private readonly listAccounts: ListServiceAccountsUseCase,
    @Inject(CreateServiceAccountUseCase)
    private readonly createAccount: CreateServiceAccountUseCase,
    @Inject(GetServiceAccountUseCase) private readonly getAccount: GetServiceAccountUseCase,
    @Inject(UpdateServiceAccountUseCase)
    private readonly updateAccount: UpdateServiceAccountUseCase,
    @Inject(DeleteServiceAccountUseCase)
    private readonly deleteAccount: DeleteServiceAccountUseCase,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.requireOrg(actor, q.organization_id, 'sa:read');
    const rows = await this.listAccounts.execute({ orgId, page: pageRequest(q) });
    return toPage(rows, q.page_size, serviceAccountView);
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createServiceAccountBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createServiceAccountBody)) body: z.output<typeof createServiceAccountBody>,
  ) {
    const orgId = await this.access.requireOrg(actor, body.organization_id, 'sa:manage');
    const cmd = CreateServiceAccountCommand.create(orgId, actor, body);
    return serviceAccountView(await this.createAccount.execute(cmd));
  }

  @Get(':id')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.serviceAccount(actor, id, 'sa:read');
    const sa = await this.getAccount.execute({ orgId, serviceAccountId: asServiceAccountId(id) });
    setEtag(res, sa.version);
    return serviceAccountView(sa);
  }

  @Patch(':id')
  @ApiBody({ schema: openApiSchema(updateServiceAccountBody) })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body(new Validate(updateServiceAccountBody)) body: z.output<typeof updateServiceAccountBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.serviceAccount(actor, id, 'sa:manage');
    const cmd = UpdateServiceAccountCommand.create(
      orgId,
      actor,
      asServiceAccountId(id),
      body,
      ifMatchVersion(req),
    );
    const updated = await this.updateAccount.execute(cmd);
    setEtag(res, updated.version);
    return serviceAccountView(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.serviceAccount(actor, id, 'sa:manage');
    await this.deleteAccount.execute({ orgId, actor, serviceAccountId: asServiceAccountId(id) });
  }
}
