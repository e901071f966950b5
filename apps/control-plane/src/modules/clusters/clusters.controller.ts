/**
 * Kafka clusters. Creating one stores it PROVISIONING and enqueues the provisioning job
 * (worker.ts); the agent's observed state moves it to RUNNING. Deleting enqueues
 * deprovisioning; the agent's report of the pool's removal makes it DELETED.
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
import { dbCall, DbConflictError, newId, type Db } from '@tributary/db';
import type { ControlPlaneConfig } from '../../config.js';
import { CurrentActor, Public, type Actor } from '../../platform/actor.js';
import { contextFilter } from '../../platform/exception-filters.js';
import { checkIfMatch, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageArgs, pageQuery, toPage } from '../../platform/pagination.js';
import { problems } from '../../platform/problem.js';
import type { Queues } from '../../platform/queues.js';
import { CONFIG, DB, QUEUES } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ClustersError } from './clusters.errors.js';
import { clusterView, createClusterBody, updateClusterBody } from './clusters.dtos.js';
import { PLANS, planView } from './plans.js';

const listQuery = z.strictObject({ ...pageQuery, environment_id: z.string().max(64) });

@ApiTags('kafka clusters')
@UseFilters(contextFilter(ClustersError))
@Controller('v1/kafka')
export class ClustersController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(QUEUES) private readonly queues: Queues,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Public()
  @Get('plans')
  plans() {
    return { data: Object.values(PLANS).map(planView) };
  }

  @Get('clusters')
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.environment(actor, q.environment_id, 'cluster:read');
    const rows = await this.db.kafkaCluster.findMany({
      where: { orgId, environmentId: q.environment_id, status: { not: 'DELETED' } },
      ...pageArgs(q.page_size, q.page_token),
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
    const plan = PLANS[body.plan];
    if (body.brokers !== undefined && plan.brokers !== null)
      throw ClustersError.brokersNotAllowed();
    const brokers = plan.brokers ?? body.brokers ?? 3;
    if (!plan.available) throw ClustersError.planUnavailable(plan.name, brokers);
    const id = newId('cluster');
    const operationId = newId('operation');
    try {
      await dbCall(() =>
        this.db.$transaction([
          this.db.kafkaCluster.create({
            data: {
              id,
              orgId,
              environmentId: body.environment_id,
              name: body.name,
              liveName: body.name,
              plan: plan.name,
              brokers,
              region: body.region ?? this.config.agentRegion,
              deletionProtection: body.deletion_protection,
            },
          }),
          this.db.operation.create({
            data: {
              id: operationId,
              orgId,
              kind: 'cluster.create',
              targetType: 'kafka_cluster',
              targetId: id,
            },
          }),
        ]),
      );
    } catch (e) {
      if (e instanceof DbConflictError) throw ClustersError.duplicateName();
      throw e;
    }
    await this.audit.record(
      actor,
      orgId,
      'kafka_cluster.create',
      { type: 'kafka_cluster', id },
      { name: body.name, plan: plan.name },
    );
    // If this fails the worker's sweep still finds the PROVISIONING cluster and enqueues it.
    await this.queues
      .enqueue('provision-cluster', { clusterId: id })
      .catch((e: unknown) =>
        console.error(`enqueue failed (the worker's sweep retries): ${(e as Error).message}`),
      );
    const cluster = await this.db.kafkaCluster.findFirstOrThrow({ where: { id, orgId } });
    res.setHeader('location', `/v1/kafka/clusters/${id}`);
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
    const c = await this.db.kafkaCluster.findFirstOrThrow({ where: { id, orgId } });
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
    const c = await this.db.kafkaCluster.findFirstOrThrow({ where: { id, orgId } });
    checkIfMatch(req, c.version);
    if (c.status === 'DELETING') throw ClustersError.notModifiable(c.status);
    try {
      const n = await dbCall(() =>
        this.db.kafkaCluster.updateMany({
          where: { id, orgId, version: c.version },
          data: {
            ...(body.name !== undefined ? { name: body.name, liveName: body.name } : {}),
            ...(body.deletion_protection !== undefined
              ? { deletionProtection: body.deletion_protection }
              : {}),
            version: { increment: 1 },
          },
        }),
      );
      if (n.count === 0) throw problems.preconditionFailed('the cluster changed meanwhile');
    } catch (e) {
      if (e instanceof DbConflictError) throw ClustersError.duplicateName();
      throw e;
    }
    const updated = await this.db.kafkaCluster.findFirstOrThrow({ where: { id, orgId } });
    await this.audit.record(
      actor,
      orgId,
      'kafka_cluster.update',
      { type: 'kafka_cluster', id },
      body,
    );
    setEtag(res, updated.version);
    return clusterView(updated);
  }

  @Delete('clusters/:id')
  @HttpCode(202)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string, @Req() req: Request) {
    const orgId = await this.access.cluster(actor, id, 'cluster:manage');
    const c = await this.db.kafkaCluster.findFirstOrThrow({ where: { id, orgId } });
    checkIfMatch(req, c.version);
    if (c.deletionProtection) throw ClustersError.deletionProtected();
    const operationId = newId('operation');
    if (c.status !== 'DELETING') {
      await this.db.$transaction([
        this.db.kafkaCluster.updateMany({
          where: { id, orgId },
          data: { status: 'DELETING', statusReason: null, version: { increment: 1 } },
        }),
        this.db.operation.create({
          data: {
            id: operationId,
            orgId,
            kind: 'cluster.delete',
            targetType: 'kafka_cluster',
            targetId: id,
          },
        }),
      ]);
      await this.audit.record(actor, orgId, 'kafka_cluster.delete', { type: 'kafka_cluster', id });
    }
    await this.queues
      .enqueue('deprovision-cluster', { clusterId: id })
      .catch((e: unknown) =>
        console.error(`enqueue failed (the worker's sweep retries): ${(e as Error).message}`),
      );
    const op = await this.db.operation.findFirst({
      where: { orgId, targetId: id, kind: 'cluster.delete' },
      orderBy: { createdAt: 'desc' },
    });
    return {
      ...clusterView(await this.db.kafkaCluster.findFirstOrThrow({ where: { id, orgId } })),
      operation_id: op?.id ?? operationId,
    };
  }
}
