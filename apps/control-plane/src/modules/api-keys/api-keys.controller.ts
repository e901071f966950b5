/**
 * Cluster API keys: SASL credentials for one cluster. The secret is made here, returned once
 * in the create response and never stored: the database keeps only derived material
 * (scrypt hash for PLAIN, SCRAM keys), which is what the agent pushes to the brokers. A key
 * is PROVISIONING until the agent reports it in force on the pool, then READY.
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
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { deriveApiKeyCredential, derivedCredentialToJson } from '@tributary/credentials';
import { newId, type ClusterApiKey, type Db } from '@tributary/db';
import { asClusterId, type Tx } from '@tributary/db';
import { CurrentActor, type Actor } from '../../platform/actor.js';
import { contextFilter } from '../../platform/exception-filters.js';
import { openApiSchema } from '../../platform/openapi.js';
import { pageArgs, pageQuery, pageRequest, toPage } from '../../platform/pagination.js';
import { ProblemError } from '../../platform/problem.js';
import { DB } from '../../platform/tokens.js';
import { Validate } from '../../platform/validation.js';
import { AccessService } from '../orgs/access.service.js';
import { AuditService } from '../legacy.js';
import { PoolChanges } from '../clusters/pool-changes.js';

export class ApiKeysError extends ProblemError {
  static badOwner(detail: string) {
    return new ApiKeysError(422, 'invalid-owner', 'Unprocessable Content', detail, [
      { pointer: '/owner/id', detail },
    ]);
  }
  static clusterGone(status: string) {
    return new ApiKeysError(409, 'cluster-not-running', 'Conflict', `the cluster is ${status}`);
  }
}

const createBody = z.strictObject({
  cluster_id: z.string().max(64),
  owner: z
    .strictObject({ kind: z.enum(['service_account', 'user']), id: z.string().max(64) })
    .optional(),
  description: z.string().max(200).default(''),
});
const listQuery = z.strictObject({ ...pageQuery, cluster_id: z.string().max(64) });
const view = (k: ClusterApiKey) => ({
  id: k.id,
  cluster_id: k.clusterId,
  principal: k.principal,
  owner: k.ownerServiceAccountId
    ? { kind: 'service_account', id: k.ownerServiceAccountId }
    : { kind: 'user', id: k.ownerUserId },
  description: k.description,
  status: k.status,
  created_at: k.createdAt.toISOString(),
});

@ApiTags('api keys')
@UseFilters(contextFilter(ApiKeysError))
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PoolChanges) private readonly changes: PoolChanges,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Query(new Validate(listQuery, '#query')) q: z.output<typeof listQuery>,
  ) {
    const orgId = await this.access.cluster(actor, q.cluster_id, 'apikey:read');
    const rows = await this.db.clusterApiKey.findMany({
      where: { orgId, clusterId: q.cluster_id },
      ...pageArgs(pageRequest(q)),
    });
    return toPage(rows, q.page_size, view);
  }

  @Post()
  @ApiBody({ schema: openApiSchema(createBody) })
  async create(
    @CurrentActor() actor: Actor,
    @Body(new Validate(createBody)) body: z.output<typeof createBody>,
  ) {
    const orgId = await this.access.cluster(actor, body.cluster_id, 'apikey:manage');
    const cluster = await this.db.kafkaCluster.findFirstOrThrow({
      where: { id: body.cluster_id, orgId },
    });
    if (cluster.status === 'DELETING' || cluster.status === 'DELETED')
      throw ApiKeysError.clusterGone(cluster.status);
    const owner = body.owner ?? {
      kind: actor.kind === 'user' ? ('user' as const) : ('service_account' as const),
      id: actor.id,
    };
    if (owner.kind === 'service_account') {
      const sa = await this.db.serviceAccount.findFirst({ where: { id: owner.id, orgId } });
      if (!sa) throw ApiKeysError.badOwner('no such service account in this organization');
    } else {
      const m = await this.db.membership.findFirst({ where: { orgId, userId: owner.id } });
      if (!m) throw ApiKeysError.badOwner('no such user in this organization');
    }
    const id = newId('clusterApiKey');
    const secret = randomBytes(32).toString('base64url');
    const derived = derivedCredentialToJson(await deriveApiKeyCredential(secret));
    let agentId: string | null = null;
    const key = await this.db.$transaction(async (tx) => {
      const k = await tx.clusterApiKey.create({
        data: {
          id,
          orgId,
          clusterId: cluster.id,
          ownerUserId: owner.kind === 'user' ? owner.id : null,
          ownerServiceAccountId: owner.kind === 'service_account' ? owner.id : null,
          principal: `User:${owner.id}`,
          description: body.description,
          derived,
        },
      });
      agentId = await this.changes.bump(tx as unknown as Tx, orgId, asClusterId(cluster.id));
      return k;
    });
    this.changes.notify(agentId);
    await this.audit.record(
      actor,
      orgId,
      'api_key.create',
      { type: 'api_key', id },
      { cluster_id: cluster.id, principal: key.principal },
    );
    return {
      ...view(key),
      secret,
      sasl: {
        mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
        username: id,
        password: secret,
      },
    };
  }

  @Get(':id')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.apiKey(actor, id, 'apikey:read');
    return view(await this.db.clusterApiKey.findFirstOrThrow({ where: { id, orgId } }));
  }

  @Delete(':id')
  @HttpCode(202)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const orgId = await this.access.apiKey(actor, id, 'apikey:manage');
    const key = await this.db.clusterApiKey.findFirstOrThrow({ where: { id, orgId } });
    let agentId: string | null = null;
    if (key.status !== 'DELETING') {
      await this.db.$transaction(async (tx) => {
        await tx.clusterApiKey.update({ where: { id }, data: { status: 'DELETING' } });
        agentId = await this.changes.bump(tx as unknown as Tx, orgId, asClusterId(key.clusterId));
      });
      this.changes.notify(agentId);
      await this.audit.record(actor, orgId, 'api_key.delete', { type: 'api_key', id });
    }
    return { ...view(key), status: 'DELETING' };
  }
}
