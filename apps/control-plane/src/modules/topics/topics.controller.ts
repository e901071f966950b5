/**
 * Topics of a cluster, managed through the control plane (HTTP mapping only): the desired
 * topic goes to the pool in the agent's desired state; list and describe merge it with what
 * the agent observed, so topics created by Kafka clients show too (managed=false).
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
import { asClusterId } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { ifMatchVersion, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { TopicsExceptionFilter } from './topics.errors.js';
import { topicView } from './topics.views.js';
import {
  CreateTopicCommand,
  createTopicBody,
} from './use-cases/create-topic/create-topic.command.js';
import { CreateTopicUseCase } from './use-cases/create-topic/create-topic.use-case.js';
import { DeleteTopicUseCase } from './use-cases/delete-topic/delete-topic.use-case.js';
import { GetTopicUseCase } from './use-cases/get-topic/get-topic.use-case.js';
import { ListTopicsUseCase } from './use-cases/list-topics/list-topics.use-case.js';
import {
  UpdateTopicCommand,
  updateTopicBody,
} from './use-cases/update-topic/update-topic.command.js';
import { UpdateTopicUseCase } from './use-cases/update-topic/update-topic.use-case.js';

const listQuery = z.strictObject({ ...pageQuery });
@ApiTags('topics')
@UseFilters(TopicsExceptionFilter)
@Controller('v1/kafka/clusters/:clusterId/topics')
export class TopicsController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ListTopicsUseCase) private readonly listTopics: ListTopicsUseCase,
    @Inject(CreateTopicUseCase) private readonly createTopic: CreateTopicUseCase,
    @Inject(GetTopicUseCase) private readonly getTopic: GetTopicUseCase,
    @Inject(UpdateTopicUseCase) private readonly updateTopic: UpdateTopicUseCase,
    @Inject(DeleteTopicUseCase) private readonly deleteTopic: DeleteTopicUseCase,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:read');
    const pairs = await this.listTopics.execute({
      orgId,
      clusterId: asClusterId(clusterId),
      page: pageRequest(q),
    });
    return toPage(
      pairs.map((p) => ({ ...p, id: p.name })),
      q.page_size,
      (p) => topicView(clusterId, p.desired, p.observed),
    );
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createTopicBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Body(new Validate(createTopicBody)) body: z.output<typeof createTopicBody>,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:manage');
    const cmd = CreateTopicCommand.create(orgId, actor, asClusterId(clusterId), body);
    return topicView(clusterId, await this.createTopic.execute(cmd), undefined);
  }

  @Get(':name')
  async get(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Param('name') name: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:read');
    const p = await this.getTopic.execute({ orgId, clusterId: asClusterId(clusterId), name });
    if (p.desired) setEtag(res, p.desired.version);
    return topicView(clusterId, p.desired, p.observed);
  }

  @Patch(':name')
  @ApiBody({ schema: openApiSchema(updateTopicBody) })
  async update(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Param('name') name: string,
    @Body(new Validate(updateTopicBody)) body: z.output<typeof updateTopicBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:manage');
    const cmd = UpdateTopicCommand.create(
      orgId,
      actor,
      asClusterId(clusterId),
      name,
      body,
      ifMatchVersion(req),
    );
    const updated = await this.updateTopic.execute(cmd);
    setEtag(res, updated.version);
    return topicView(clusterId, updated, undefined);
  }

  @Delete(':name')
  @HttpCode(202)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Param('name') name: string,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:manage');
    await this.deleteTopic.execute({ orgId, actor, clusterId: asClusterId(clusterId), name });
    return { cluster_id: clusterId, name, status: 'DELETING' };
  }
}
