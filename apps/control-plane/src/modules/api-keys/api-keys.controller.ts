/**
 * Cluster API keys: SASL credentials for one cluster (HTTP mapping only). The secret is in
 * the create response only. A key is PROVISIONING until the agent reports it in force on the
 * pool, then READY.
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
import { asApiKeyId, asClusterId } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { ApiKeysExceptionFilter } from './api-keys.errors.js';
import { apiKeyView } from './api-keys.views.js';
import {
  CreateApiKeyCommand,
  createApiKeyBody,
} from './use-cases/create-api-key/create-api-key.command.js';
import { CreateApiKeyUseCase } from './use-cases/create-api-key/create-api-key.use-case.js';
import { DeleteApiKeyUseCase } from './use-cases/delete-api-key/delete-api-key.use-case.js';
import { GetApiKeyUseCase } from './use-cases/get-api-key/get-api-key.use-case.js';
import { ListApiKeysUseCase } from './use-cases/list-api-keys/list-api-keys.use-case.js';

const listQuery = z.strictObject({ ...pageQuery, cluster_id: z.string().max(64) });

@ApiTags('api keys')
@UseFilters(ApiKeysExceptionFilter)
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ListApiKeysUseCase) private readonly listKeys: ListApiKeysUseCase,
    @Inject(CreateApiKeyUseCase) private readonly createKey: CreateApiKeyUseCase,
    @Inject(GetApiKeyUseCase) private readonly getKey: GetApiKeyUseCase,
    @Inject(DeleteApiKeyUseCase) private readonly deleteKey: DeleteApiKeyUseCase,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.cluster(actor, q.cluster_id, 'apikey:read');
    const rows = await this.listKeys.execute({
      orgId,
      clusterId: asClusterId(q.cluster_id),
      page: pageRequest(q),
    });
    return toPage(rows, q.page_size, apiKeyView);
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createApiKeyBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createApiKeyBody)) body: z.output<typeof createApiKeyBody>,
  ) {
    const orgId = await this.access.cluster(actor, body.cluster_id, 'apikey:manage');
    const { key, secret } = await this.createKey.execute(
      CreateApiKeyCommand.create(orgId, actor, body),
    );
    return {
      ...apiKeyView(key),
      secret,
      sasl: {
        mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
        username: key.id,
        password: secret,
      },
    };
  }

  @Get(':id')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.apiKey(actor, id, 'apikey:read');
    return apiKeyView(await this.getKey.execute({ orgId, apiKeyId: asApiKeyId(id) }));
  }

  @Delete(':id')
  @HttpCode(202)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.apiKey(actor, id, 'apikey:manage');
    const key = await this.deleteKey.execute({ orgId, actor, apiKeyId: asApiKeyId(id) });
    return { ...apiKeyView(key), status: 'DELETING' };
  }
}
