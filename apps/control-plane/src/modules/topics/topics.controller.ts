/**
 * Topics of a cluster, managed through the control plane: the desired topic (name,
 * partitions, configs) goes to the pool in the agent's desired state; list and describe merge
 * it with what the agent observed, so topics created by Kafka clients show too (managed=false).
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
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { dbCall, DbConflictError, newId, type Db, type Topic } from '@tributary/db';
import { asClusterId, type Tx } from '@tributary/db';
import type { PoolObservation } from '@tributary/contracts';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { contextFilter } from '../../platform/exception-filters.js';
import { checkIfMatch, setEtag } from '../../platform/etag.js';
import { openApiSchema } from '../../platform/openapi.js';
import { ProblemError, problems } from '../../platform/problem.js';
import { DB } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AuditService } from '../legacy.js';
import { PLANS } from '../clusters/plans.js';
import { PoolChanges } from '../clusters/pool-changes.js';

export class TopicsError extends ProblemError {
  static duplicate(name: string) {
    return new TopicsError(409, 'duplicate-name', 'Conflict', `topic ${name} exists`, [
      { pointer: '/name', detail: 'already exists' },
    ]);
  }
  static overPlan(max: number, wanted: number) {
    return new TopicsError(
      422,
      'partition-limit',
      'Unprocessable Content',
      `the plan allows ${max} partitions per cluster; this needs ${wanted}`,
      [{ pointer: '/partitions', detail: `at most ${max} partitions in the cluster` }],
    );
  }
  static notRunning(status: string) {
    return new TopicsError(409, 'cluster-not-running', 'Conflict', `the cluster is ${status}`);
  }
}

const topicName = z
  .string()
  .min(1)
  .max(249, 'must be at most 249 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only')
  .refine((n) => n !== '.' && n !== '..', 'must not be "." or ".."');
const configs = z.record(
  z.string().regex(/^[a-z0-9.]{1,100}$/, 'config names are Kafka property names'),
  z.string().max(1000),
);
const createBody = z.strictObject({
  name: topicName,
  partitions: z.number().int('must be an integer').min(1).max(10_000).default(1),
  configs: configs.default({}),
});
const updateBody = z
  .strictObject({
    partitions: z.number().int().min(1).max(10_000).optional(),
    configs: configs.optional(),
  })
  .refine(
    (b) => b.partitions !== undefined || b.configs !== undefined,
    'partitions or configs is required',
  );

type ObservedTopic = PoolObservation['topics'][number];

function view(clusterId: string, desired: Topic | undefined, observed: ObservedTopic | undefined) {
  return {
    cluster_id: clusterId,
    name: desired?.name ?? observed?.name,
    managed: desired !== undefined,
    status: desired?.status ?? 'READY',
    status_reason: desired?.statusReason ?? null,
    partitions: desired?.partitions ?? observed?.partitions,
    configs: (desired?.configs as Record<string, string> | undefined) ?? {},
    observed: observed
      ? { topic_id: observed.topicId, partitions: observed.partitions, configs: observed.configs }
      : null,
  };
}

@ApiTags('topics')
@UseFilters(contextFilter(TopicsError))
@Controller('v1/kafka/clusters/:clusterId/topics')
export class TopicsController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
  ) {}

  private async observed(clusterId: string): Promise<ObservedTopic[]> {
    const o = await this.db.poolObservation.findUnique({ where: { clusterId } });
    return ((o?.document as PoolObservation | undefined)?.topics ?? []).filter(
      (t) => !t.name.startsWith('__'),
    );
  }

  @Get()
  async list(@CurrentActor() actor: Actor, @Param('clusterId') clusterId: string) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:read');
    const desired = await this.db.topic.findMany({
      where: { orgId, clusterId },
      orderBy: { name: 'asc' },
    });
    const observed = await this.observed(clusterId);
    const names = [
      ...new Set([...desired.map((t) => t.name), ...observed.map((t) => t.name)]),
    ].sort();
    return {
      data: names.map((n) =>
        view(
          clusterId,
          desired.find((t) => t.name === n),
          observed.find((t) => t.name === n),
        ),
      ),
      metadata: { next_page_token: null },
    };
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Body(new Validate(createBody)) body: z.output<typeof createBody>,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:manage');
    const cluster = await this.db.kafkaCluster.findFirstOrThrow({
      where: { id: clusterId, orgId },
    });
    if (cluster.status === 'DELETING' || cluster.status === 'DELETED')
      throw TopicsError.notRunning(cluster.status);
    const observed = await this.observed(clusterId);
    if (observed.some((t) => t.name === body.name)) throw TopicsError.duplicate(body.name);
    const max = PLANS[cluster.plan].limits.maxPartitions;
    const desired = await this.db.topic.findMany({
      where: { orgId, clusterId },
      select: { name: true, partitions: true },
    });
    const used = new Map<string, number>([
      ...observed.map((t) => [t.name, t.partitions] as const),
      ...desired.map((t) => [t.name, t.partitions] as const),
    ]);
    const total = [...used.values()].reduce((a, b) => a + b, 0) + body.partitions;
    if (total > max) throw TopicsError.overPlan(max, total);
    let agentId: string | null = null;
    try {
      const topic = await dbCall(() =>
        this.db.$transaction(async (tx) => {
          const t = await tx.topic.create({
            data: {
              id: newId('topic'),
              orgId,
              clusterId,
              name: body.name,
              partitions: body.partitions,
              configs: body.configs,
            },
          });
          agentId = await this.changes.bump(tx as unknown as Tx, orgId, asClusterId(clusterId));
          return t;
        }),
      );
      this.changes.notify(agentId);
      await this.audit.record(
        actor,
        orgId,
        'topic.create',
        { type: 'topic', id: `${clusterId}/${body.name}` },
        { partitions: body.partitions },
      );
      return view(clusterId, topic, undefined);
    } catch (e) {
      if (e instanceof DbConflictError) throw TopicsError.duplicate(body.name);
      throw e;
    }
  }

  @Get(':name')
  async get(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Param('name') name: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:read');
    const desired = await this.db.topic.findFirst({ where: { orgId, clusterId, name } });
    const observed = (await this.observed(clusterId)).find((t) => t.name === name);
    if (!desired && !observed) throw problems.notFound('topic');
    if (desired) setEtag(res, desired.version);
    return view(clusterId, desired ?? undefined, observed);
  }

  @Patch(':name')
  @ApiBody({ schema: openApiSchema(updateBody) })
  async update(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Param('name') name: string,
    @Body(new Validate(updateBody)) body: z.output<typeof updateBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:manage');
    const t = await this.db.topic.findFirst({ where: { orgId, clusterId, name } });
    if (!t || t.status === 'DELETING')
      throw problems.notFound('topic (managed by the control plane)');
    checkIfMatch(req, t.version);
    if (body.partitions !== undefined && body.partitions < t.partitions) {
      throw problems.validation([
        { pointer: '/partitions', detail: `partitions can only grow (now ${t.partitions})` },
      ]);
    }
    if (body.partitions !== undefined) {
      const cluster = await this.db.kafkaCluster.findFirstOrThrow({
        where: { id: clusterId, orgId },
      });
      const all = await this.db.topic.findMany({
        where: { orgId, clusterId },
        select: { partitions: true },
      });
      const total = all.reduce((a, b) => a + b.partitions, 0) - t.partitions + body.partitions;
      const max = PLANS[cluster.plan].limits.maxPartitions;
      if (total > max) throw TopicsError.overPlan(max, total);
    }
    let agentId: string | null = null;
    const updated = await this.db.$transaction(async (tx) => {
      const n = await tx.topic.updateMany({
        where: { id: t.id, version: t.version },
        data: {
          ...(body.partitions !== undefined ? { partitions: body.partitions } : {}),
          ...(body.configs !== undefined
            ? { configs: { ...(t.configs as Record<string, string>), ...body.configs } }
            : {}),
          status: 'PROVISIONING',
          version: { increment: 1 },
        },
      });
      if (n.count === 0) throw problems.preconditionFailed('the topic changed meanwhile');
      agentId = await this.changes.bump(tx as unknown as Tx, orgId, asClusterId(clusterId));
      return tx.topic.findUniqueOrThrow({ where: { id: t.id } });
    });
    this.changes.notify(agentId);
    await this.audit.record(
      actor,
      orgId,
      'topic.update',
      { type: 'topic', id: `${clusterId}/${name}` },
      body,
    );
    setEtag(res, updated.version);
    return view(clusterId, updated, undefined);
  }

  @Delete(':name')
  @HttpCode(202)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('clusterId') clusterId: string,
    @Param('name') name: string,
  ) {
    const orgId = await this.access.cluster(actor, clusterId, 'topic:manage');
    const t = await this.db.topic.findFirst({ where: { orgId, clusterId, name } });
    let agentId: string | null = null;
    if (!t) {
      // A topic a client created: adopt it as desired-ABSENT so the agent deletes it.
      const observed = (await this.observed(clusterId)).find((o) => o.name === name);
      if (!observed) throw problems.notFound('topic');
      await this.db.$transaction(async (tx) => {
        await tx.topic.create({
          data: {
            id: newId('topic'),
            orgId,
            clusterId,
            name,
            partitions: observed.partitions,
            configs: {},
            status: 'DELETING',
          },
        });
        agentId = await this.changes.bump(tx as unknown as Tx, orgId, asClusterId(clusterId));
      });
    } else if (t.status !== 'DELETING') {
      await this.db.$transaction(async (tx) => {
        await tx.topic.update({
          where: { id: t.id },
          data: { status: 'DELETING', version: { increment: 1 } },
        });
        agentId = await this.changes.bump(tx as unknown as Tx, orgId, asClusterId(clusterId));
      });
    }
    this.changes.notify(agentId);
    await this.audit.record(actor, orgId, 'topic.delete', {
      type: 'topic',
      id: `${clusterId}/${name}`,
    });
    return { cluster_id: clusterId, name, status: 'DELETING' };
  }
}
