/**
 * Kafka clusters (HTTP mapping only). Creating one stores it PROVISIONING and enqueues the
 * provisioning job (worker.ts); the agent's observed state moves it to RUNNING. Deleting
 * enqueues deprovisioning; the agent's report of the pool's removal makes it DELETED.
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
import { asClusterId, asEnvironmentId } from '@tributary/db';
import { CurrentActor, Public, type Actor } from '../../platform/actor.js';
import { ifMatchVersion, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { ClustersExceptionFilter } from './clusters.errors.js';
import { clusterView } from './clusters.dtos.js';
import { planView } from './plans.js';
import {
  CreateClusterCommand,
  createClusterBody,
} from './use-cases/create-cluster/create-cluster.command.js';
import { CreateClusterUseCase } from './use-cases/create-cluster/create-cluster.use-case.js';
import { DeleteClusterUseCase } from './use-cases/delete-cluster/delete-cluster.use-case.js';
import { GetClusterUseCase } from './use-cases/get-cluster/get-cluster.use-case.js';
import { ListClustersUseCase } from './use-cases/list-clusters/list-clusters.use-case.js';
import { ListPlansUseCase } from './use-cases/list-plans/list-plans.use-case.js';
import {
  UpdateClusterCommand,
  updateClusterBody,
} from './use-cases/update-cluster/update-cluster.command.js';
import { UpdateClusterUseCase } from './use-cases/update-cluster/update-cluster.use-case.js';

const listQuery = z.strictObject({ ...pageQuery, environment_id: z.string().max(64) });

@ApiTags('kafka clusters')
@UseFilters(ClustersExceptionFilter)
@Controller('v1/kafka')
export class ClustersController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ListPlansUseCase) private readonly listPlans: ListPlansUseCase,
    @Inject(ListClustersUseCase) private readonly listClusters: ListClustersUseCase,
    @Inject(CreateClusterUseCase) private readonly createCluster: CreateClusterUseCase,
    @Inject(GetClusterUseCase) private readonly getCluster: GetClusterUseCase,
    @Inject(UpdateClusterUseCase) private readonly updateCluster: UpdateClusterUseCase,
    @Inject(DeleteClusterUseCase) private readonly deleteCluster: DeleteClusterUseCase,
  ) {}

  @Public()
  @Get('plans')
  plans() {
    return { data: this.listPlans.execute().map(planView) };
  }

  @Get('clusters')
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.environment(actor, q.environment_id, 'cluster:read');
    const rows = await this.listClusters.execute({
      orgId,
      environmentId: asEnvironmentId(q.environment_id),
      page: pageRequest(q),
    });
    return toPage(rows, q.page_size, clusterView);
  }

  @Post('clusters')
  @HttpCode(202)
  @ApiBody({ schema: openApiSchema(createClusterBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createClusterBody)) body: z.output<typeof createClusterBody>,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.environment(actor, body.environment_id, 'cluster:manage');
    const { cluster, operationId } = await this.createCluster.execute(
      CreateClusterCommand.create(orgId, actor, body),
    );
    res.setHeader('location', `/v1/kafka/clusters/${cluster.id}`);
    setEtag(res, cluster.version);
    return { ...clusterView(cluster), operation_id: operationId };
  }

  @Get('clusters/:id')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.cluster(actor, id, 'cluster:read');
    const c = await this.getCluster.execute({ orgId, clusterId: asClusterId(id) });
    setEtag(res, c.version);
    return clusterView(c);
  }

  @Patch('clusters/:id')
  @ApiBody({ schema: openApiSchema(updateClusterBody) })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body(new Validate(updateClusterBody)) body: z.output<typeof updateClusterBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.cluster(actor, id, 'cluster:manage');
    const cmd = UpdateClusterCommand.create(
      orgId,
      actor,
      asClusterId(id),
      body,
      ifMatchVersion(req),
    );
    const updated = await this.updateCluster.execute(cmd);
    setEtag(res, updated.version);
    return clusterView(updated);
  }

  @Delete('clusters/:id')
  @HttpCode(202)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() req: Request) {
    const orgId = await this.access.cluster(actor, id, 'cluster:manage');
    const { cluster, operationId } = await this.deleteCluster.execute({
      orgId,
      actor,
      clusterId: asClusterId(id),
      expectedVersion: ifMatchVersion(req),
    });
    return { ...clusterView(cluster), operation_id: operationId };
  }
}
